import {
  createLocalJWKSet,
  decodeProtectedHeader,
  errors,
  importSPKI,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import {
  JWT_ALGORITHMS,
  noSecretConfigured,
  optionalHeader,
  readJsonFields,
  reject,
  requireHeader,
  type JwtAlgorithm,
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
} from './types';

const AUTHORIZATION = 'authorization';
const EXPECTED = 'Bearer <JWT>';
const BEARER = /^Bearer\s+(\S+)$/i;

type VerificationKey = Uint8Array | CryptoKey | JWTVerifyGetKey;

function isJwtAlgorithm(alg: string): alg is JwtAlgorithm {
  return (JWT_ALGORITHMS as readonly string[]).includes(alg);
}

/** Lists the keys to try for a token signed with `alg`, or returns why there are none. */
async function collectKeys(alg: JwtAlgorithm, input: VerifyInput): Promise<VerificationKey[] | VerifyFailure> {
  if (alg === 'HS256') {
    if (input.secrets.length === 0) return noSecretConfigured('JWT HS256');
    const encoder = new TextEncoder();
    return input.secrets.map((secret) => encoder.encode(secret));
  }

  const keys: VerificationKey[] = [];
  if (input.options.jwks) {
    keys.push(createLocalJWKSet(input.options.jwks as Parameters<typeof createLocalJWKSet>[0]));
  }
  if (input.options.publicKey) {
    try {
      keys.push(await importSPKI(input.options.publicKey, alg));
    } catch {
      // The PEM contains a key of another type, for example an RSA key when the token uses
      // ES256, so it cannot verify this token.
    }
  }
  if (keys.length === 0) {
    return reject(
      401,
      'signature_invalid',
      `This source has no public key or JWKS that can verify ${alg} tokens. ` +
        'An administrator must add one to the source options.',
    );
  }
  return keys;
}

async function verifyWithKey(token: string, key: VerificationKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  const result =
    typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  return result.payload;
}

// Rejections for claim and token errors that jose raises. Returns null for errors that are not
// about the token, which the caller rethrows.
function rejectionForJoseError(error: unknown, skewSeconds: number): VerifyFailure | null {
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? new Date(error.payload.exp * 1000).toISOString() : 'an unknown time';
    return reject(
      401,
      'token_expired',
      `The JWT in Authorization expired at ${exp}, and the allowed clock skew is ${skewSeconds} s. Send a new token.`,
      AUTHORIZATION,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') {
      return reject(
        401,
        'claim_missing',
        `The JWT in Authorization is missing the required "${error.claim}" claim.`,
        AUTHORIZATION,
      );
    }
    return reject(
      401,
      'claim_invalid',
      `The "${error.claim}" claim of the JWT in Authorization is invalid: ${error.message}.`,
      AUTHORIZATION,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return reject(401, 'algorithm_rejected', `The JWT in Authorization uses an algorithm that is not accepted: ${error.message}.`, AUTHORIZATION);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return reject(401, 'header_malformed', `Authorization does not contain a valid JWT: ${error.message}.`, AUTHORIZATION);
  }
  return null;
}

/**
 * Verifies `Authorization: Bearer <JWT>` with jose. HS256 tokens are tried with every shared
 * secret, and RS256 and ES256 tokens with the JWKS and the PEM public key of the options.
 * `alg: none` is always rejected. `exp` is always required, and checked with
 * `clockSkewSeconds` of leeway, as is `nbf`. `issuer`, `audience` and `requiredClaims` are
 * checked when set.
 *
 * NOTE: the token authenticates the sender but does not cover the body. Anyone who captures
 * a valid token can send any body with it until the token expires.
 */
export async function verifyJwt(input: VerifyInput): Promise<VerifyResult> {
  const authorization = requireHeader(input.headers, AUTHORIZATION, 'Authorization', EXPECTED);
  if (typeof authorization !== 'string') return authorization;

  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) {
    return reject(401, 'header_malformed', `Authorization must use the Bearer scheme. Expected ${EXPECTED}.`, AUTHORIZATION);
  }
  if (token.split('.').length !== 3) {
    return reject(
      401,
      'header_malformed',
      'Authorization does not contain a signed JWT: expected three base64url parts separated by dots.',
      AUTHORIZATION,
    );
  }

  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return reject(401, 'header_malformed', 'The JWT header in Authorization is not base64url-encoded JSON.', AUTHORIZATION);
  }
  if (typeof alg !== 'string') {
    return reject(401, 'header_malformed', 'The JWT header in Authorization has no "alg" parameter.', AUTHORIZATION);
  }

  const { options } = input;
  if (alg.toLowerCase() === 'none') {
    return reject(401, 'algorithm_rejected', 'Unsigned JWTs (alg "none") are never accepted.', AUTHORIZATION);
  }
  if (!isJwtAlgorithm(alg) || !options.algorithms.includes(alg)) {
    return reject(
      401,
      'algorithm_rejected',
      `The JWT uses alg "${alg}", but this source accepts only ${options.algorithms.join(', ')}.`,
      AUTHORIZATION,
    );
  }

  const keys = await collectKeys(alg, input);
  if (!Array.isArray(keys)) return keys;

  const verifyOptions: JWTVerifyOptions = {
    algorithms: [alg],
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockSkewSeconds,
    currentDate: new Date(input.now),
    requiredClaims: ['exp', ...options.requiredClaims],
  };

  for (const key of keys) {
    let payload: JWTPayload;
    try {
      payload = await verifyWithKey(token, key, verifyOptions);
    } catch (error) {
      // This key did not sign the token, so the next one may have.
      if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) continue;
      // jose checks claims only after the signature matched, so a claim error is final.
      const rejection = rejectionForJoseError(error, options.clockSkewSeconds);
      if (rejection) return rejection;
      throw error;
    }

    const jti = typeof payload.jti === 'string' && payload.jti !== '' ? payload.jti : null;
    return {
      ok: true,
      externalId: optionalHeader(input.headers, 'idempotency-key') ?? jti,
      eventType: readJsonFields(input.body).type,
    };
  }

  return reject(
    401,
    'signature_invalid',
    `The JWT signature does not match any ${alg === 'HS256' ? 'active secret' : 'public key or JWKS key'} of this source.`,
    AUTHORIZATION,
  );
}
