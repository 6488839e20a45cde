import { z } from 'zod';

export const SCHEME_NAMES = ['github', 'stripe', 'standard-webhooks', 'hmac-sha256', 'jwt'] as const;
export type SchemeName = (typeof SCHEME_NAMES)[number];

export const JWT_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

// Characters allowed in an HTTP header name: letters, digits and !#$%&'*+.^_`|~-
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const stringOrList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/**
 * Per-source verification options, stored as JSON with the source. Each scheme reads only
 * the fields that concern it, so one schema serves all of them.
 */
export const SchemeOptionsSchema = z.object({
  /** Stripe and Standard Webhooks: maximum age or lead of the signed timestamp, in seconds. */
  toleranceSeconds: z.number().int().min(0).default(300),

  /** hmac-sha256: name of the header that carries the signature. */
  header: z
    .string()
    .regex(HEADER_NAME, 'must be an HTTP header name, such as x-signature')
    .transform((name) => name.toLowerCase())
    .default('x-signature'),
  /** hmac-sha256: how the signature bytes are written in the header. */
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** hmac-sha256: text that comes before the encoded signature, such as `sha256=`. */
  prefix: z.string().min(1).optional(),

  /** jwt: accepted `iss` value or values. When set, the claim is required. */
  issuer: stringOrList.optional(),
  /** jwt: accepted `aud` value or values. When set, the claim is required. */
  audience: stringOrList.optional(),
  /** jwt: accepted `alg` header values. `none` is never accepted. */
  algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).default(['HS256']),
  /** jwt: claims that must be present, in addition to `exp`, which is always required. */
  requiredClaims: z.array(z.string().min(1)).default([]),
  /** jwt: leeway for `exp` and `nbf`, in seconds. */
  clockSkewSeconds: z.number().int().min(0).default(30),
  /** jwt: PEM-encoded SPKI public key for RS256 or ES256. */
  publicKey: z
    .string()
    .refine((pem) => pem.includes('-----BEGIN PUBLIC KEY-----'), {
      message: 'must be a PEM-encoded SPKI public key (-----BEGIN PUBLIC KEY-----)',
    })
    .optional(),
  /** jwt: contents of a JWKS file. jose picks the RS256 or ES256 key by the token's `kid` and `alg`. */
  jwks: z
    .object({ keys: z.array(z.looseObject({ kty: z.string() })).min(1) })
    .loose()
    .optional(),
});

/** Options each scheme reads. The others do not apply to a source of that scheme. */
export const SCHEME_OPTION_KEYS: Record<SchemeName, ReadonlyArray<keyof SchemeOptions>> = {
  github: [],
  stripe: ['toleranceSeconds'],
  'standard-webhooks': ['toleranceSeconds'],
  'hmac-sha256': ['header', 'encoding', 'prefix'],
  jwt: ['issuer', 'audience', 'algorithms', 'requiredClaims', 'clockSkewSeconds', 'publicKey', 'jwks'],
};

/** Options after parsing, with every default filled in. */
export type SchemeOptions = z.output<typeof SchemeOptionsSchema>;
/** Options as stored or sent by a client, before defaults are applied. */
export type SchemeOptionsInput = z.input<typeof SchemeOptionsSchema>;

export type VerifyInput = {
  /** The request body exactly as received. Signatures cover these bytes. */
  body: Uint8Array;
  headers: Headers;
  /** Active secrets of the source. Every one is tried, so rotation can overlap. */
  secrets: string[];
  options: SchemeOptions;
  /** Current wall-clock time in ms since the Unix epoch. */
  now: number;
};

export type VerifyFailure = {
  ok: false;
  /** Always 401, for a bad, missing or malformed signature alike. `code` distinguishes them. */
  status: 401;
  code: string;
  /**
   * Text for the producer. It names the header at fault and the expected format where there
   * is one, and never contains a secret.
   */
  message: string;
  /** Lower-case name of the header at fault. */
  field?: string;
  /** The error thrown inside a scheme, which is a bug. Set only then, so the caller can log it. */
  cause?: unknown;
};

export type VerifyResult =
  | {
      ok: true;
      /** Producer's delivery id, used to drop repeated deliveries. */
      externalId: string | null;
      eventType: string | null;
    }
  | VerifyFailure;

export type SchemeVerifier = (input: VerifyInput) => Promise<VerifyResult> | VerifyResult;

// Helpers shared by the scheme verifiers.

export function reject(status: 401, code: string, message: string, field?: string): VerifyFailure {
  return field === undefined ? { ok: false, status, code, message } : { ok: false, status, code, message, field };
}

/** Returns the trimmed header value, or null when the header is absent or blank. */
export function optionalHeader(headers: Headers, name: string): string | null {
  const value = headers.get(name)?.trim();
  return value ? value : null;
}

/**
 * Returns the trimmed header value, or a 401 `signature_missing` failure when the header is
 * absent or blank. `expected` describes the format, for the message.
 */
export function requireHeader(
  headers: Headers,
  name: string,
  displayName: string,
  expected: string,
): string | VerifyFailure {
  const raw = headers.get(name);
  if (raw === null) {
    return reject(401, 'signature_missing', `Missing ${displayName} header. Expected ${expected}.`, name);
  }
  const value = raw.trim();
  if (value === '') {
    return reject(401, 'signature_missing', `The ${displayName} header is empty. Expected ${expected}.`, name);
  }
  return value;
}

const UNIX_SECONDS = /^\d{1,15}$/;

/** Parses a Unix time in whole seconds written as plain digits, or returns null. */
export function parseUnixSeconds(text: string): number | null {
  return UNIX_SECONDS.test(text) ? Number(text) : null;
}

/**
 * Rejects a signed timestamp that is more than `toleranceSeconds` before or after `now`.
 * `now` is in ms and is rounded down to whole seconds, as the standardwebhooks package 1.3 does.
 */
export function checkTimestamp(
  timestampSeconds: number,
  now: number,
  toleranceSeconds: number,
  field: string,
  displayName: string,
): VerifyFailure | null {
  const nowSeconds = Math.floor(now / 1000);
  const ageSeconds = nowSeconds - timestampSeconds;
  if (ageSeconds > toleranceSeconds) {
    return reject(
      401,
      'timestamp_out_of_tolerance',
      `The ${displayName} timestamp is ${ageSeconds} s old, more than the ${toleranceSeconds} s allowed. ` +
        'Sign each request when it is sent, and check the sender clock.',
      field,
    );
  }
  if (-ageSeconds > toleranceSeconds) {
    return reject(
      401,
      'timestamp_out_of_tolerance',
      `The ${displayName} timestamp is ${-ageSeconds} s in the future, more than the ${toleranceSeconds} s allowed. ` +
        'Check the sender clock.',
      field,
    );
  }
  return null;
}

/**
 * Reads the string fields `id` and `type` of a JSON object body. Each is null when the body
 * is not a JSON object or the field is not a non-empty string. Call it only after the
 * signature has been verified.
 */
export function readJsonFields(body: Uint8Array): { id: string | null; type: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { id: null, type: null };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { id: null, type: null };
  }
  const record = parsed as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return { id: text(record.id), type: text(record.type) };
}

/** Rejection for a source that has no secret to verify with. */
export function noSecretConfigured(schemeName: string): VerifyFailure {
  return reject(
    401,
    'signature_invalid',
    `This source has no active ${schemeName} secret, so no signature can be verified. ` +
      'An administrator must add a secret to the source.',
  );
}
