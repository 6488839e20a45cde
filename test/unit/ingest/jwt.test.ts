import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../../lib/ingest/schemes';
import { SchemeOptionsSchema, type SchemeOptionsInput, type VerifyResult } from '../../../lib/ingest/schemes/types';

const T = 1_700_000_000;
const SECRET = 'jwt-shared-secret';
const ISSUER = 'https://producer.example';
const AUDIENCE = 'switchyard';

// HS256 over header {"alg":"HS256","typ":"JWT"} and claims iss, aud, sub "orders",
// jti "job-42", iat T and exp T + 3600, computed once with `openssl dgst -sha256 -hmac`.
const FIXED_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' +
  'eyJpc3MiOiJodHRwczovL3Byb2R1Y2VyLmV4YW1wbGUiLCJhdWQiOiJzd2l0Y2h5YXJkIiwic3ViIjoib3JkZXJzIiwianRpIjoiam9iLTQyIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MDAwMDM2MDB9.' +
  'lxjOvlnuFD7reKV2suQqsZ65PzV-q789PEQu3uPqq8U';

const encoder = new TextEncoder();
const BODY = '{"type":"job.finished","result":"ok"}';

function check(
  authorization: string | null,
  options: SchemeOptionsInput = {},
  { secrets = [SECRET], nowSeconds = T, headers = {} }: { secrets?: string[]; nowSeconds?: number; headers?: Record<string, string> } = {},
): Promise<VerifyResult> {
  const all = new Headers(headers);
  if (authorization !== null) all.set('Authorization', authorization);
  return verify('jwt', {
    body: encoder.encode(BODY),
    headers: all,
    secrets,
    options: SchemeOptionsSchema.parse(options),
    now: nowSeconds * 1000,
  });
}

function expectFailure(result: VerifyResult, status: number, code: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  expect(result.code).toBe(code);
  expect(result.field).toBe('authorization');
}

function hs256(claims: JWTPayload, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(encoder.encode(secret));
}

const baseClaims = { iss: ISSUER, aud: AUDIENCE, iat: T, exp: T + 600 };
const strict = { issuer: ISSUER, audience: AUDIENCE };

describe('jwt scheme', () => {
  it('accepts the fixed HS256 vector', async () => {
    const result = await check(`Bearer ${FIXED_TOKEN}`, { ...strict, requiredClaims: ['sub'] });
    expect(result).toEqual({ ok: true, externalId: 'job-42', eventType: 'job.finished' });
  });

  it('prefers Idempotency-Key over jti', async () => {
    const result = await check(`Bearer ${FIXED_TOKEN}`, strict, { headers: { 'Idempotency-Key': 'key-1' } });
    expect(result).toEqual({ ok: true, externalId: 'key-1', eventType: 'job.finished' });
  });

  it('accepts a lower-case bearer keyword', async () => {
    expect((await check(`bearer ${FIXED_TOKEN}`, strict)).ok).toBe(true);
  });

  it('rejects the wrong audience', async () => {
    const result = await check(`Bearer ${FIXED_TOKEN}`, { issuer: ISSUER, audience: 'someone-else' });
    expectFailure(result, 401, 'claim_invalid');
    if (!result.ok) expect(result.message).toContain('"aud"');
  });

  it('rejects the wrong issuer', async () => {
    expectFailure(await check(`Bearer ${FIXED_TOKEN}`, { issuer: 'https://other.example' }), 401, 'claim_invalid');
  });

  it('rejects an expired token', async () => {
    const result = await check(`Bearer ${FIXED_TOKEN}`, strict, { nowSeconds: T + 3600 + 31 });
    expectFailure(result, 401, 'token_expired');
    if (!result.ok) expect(result.message).toContain('2023-11-14T23:13:20.000Z');
  });

  it('accepts an expired token within the clock skew', async () => {
    expect((await check(`Bearer ${FIXED_TOKEN}`, strict, { nowSeconds: T + 3600 + 29 })).ok).toBe(true);
  });

  it('applies a configured clock skew', async () => {
    const options = { ...strict, clockSkewSeconds: 0 };
    expectFailure(await check(`Bearer ${FIXED_TOKEN}`, options, { nowSeconds: T + 3600 }), 401, 'token_expired');
    expect((await check(`Bearer ${FIXED_TOKEN}`, options, { nowSeconds: T + 3599 })).ok).toBe(true);
  });

  it('rejects a token that is not yet valid', async () => {
    const token = await hs256({ ...baseClaims, nbf: T + 120 });
    expectFailure(await check(`Bearer ${token}`, strict), 401, 'claim_invalid');
  });

  it('rejects alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify(baseClaims)).toString('base64url');
    for (const token of [`${header}.${claims}.`, `${header}.${claims}.c2lnbmF0dXJl`]) {
      expectFailure(await check(`Bearer ${token}`, strict), 401, 'algorithm_rejected');
    }
  });

  it('rejects a missing required claim', async () => {
    const token = await hs256(baseClaims);
    const result = await check(`Bearer ${token}`, { ...strict, requiredClaims: ['sub'] });
    expectFailure(result, 401, 'claim_missing');
    if (!result.ok) expect(result.message).toContain('"sub"');
  });

  it('rejects a token without exp', async () => {
    const { exp: _exp, ...claims } = baseClaims;
    expectFailure(await check(`Bearer ${await hs256(claims)}`, strict), 401, 'claim_missing');
  });

  it('accepts the second of two rotated secrets', async () => {
    expect((await check(`Bearer ${FIXED_TOKEN}`, strict, { secrets: ['new-secret', SECRET] })).ok).toBe(true);
  });

  it('rejects the wrong secret', async () => {
    expectFailure(await check(`Bearer ${FIXED_TOKEN}`, strict, { secrets: ['new-secret'] }), 401, 'signature_invalid');
  });

  it('rejects a signature one character short', async () => {
    expectFailure(await check(`Bearer ${FIXED_TOKEN.slice(0, -1)}`, strict), 401, 'signature_invalid');
  });

  it('rejects a missing Authorization header', async () => {
    expectFailure(await check(null), 401, 'signature_missing');
  });

  it('rejects an empty Authorization header', async () => {
    expectFailure(await check(''), 401, 'signature_missing');
  });

  it('rejects a non-Bearer Authorization header', async () => {
    const result = await check(`Basic ${Buffer.from('user:pass').toString('base64')}`);
    expectFailure(result, 401, 'header_malformed');
    if (!result.ok) expect(result.message).toContain('Bearer');
  });

  it('rejects a bearer value that is not a JWT', async () => {
    for (const token of ['abc', 'a.b.c', 'a.b.c.d.e', `${Buffer.from('{}').toString('base64url')}.e30.`]) {
      expectFailure(await check(`Bearer ${token}`), 401, 'header_malformed');
    }
  });

  describe('with public keys', () => {
    let rsaPem: string;
    let rsaPrivate: CryptoKey;
    let ecPrivate: CryptoKey;
    let jwks: { keys: ({ kty: string } & Record<string, unknown>)[] };

    beforeAll(async () => {
      const rsa = await generateKeyPair('RS256', { extractable: true });
      rsaPem = await exportSPKI(rsa.publicKey);
      rsaPrivate = rsa.privateKey;

      const ec = await generateKeyPair('ES256', { extractable: true });
      ecPrivate = ec.privateKey;
      const otherEc = await generateKeyPair('ES256', { extractable: true });
      jwks = {
        keys: [
          { kty: 'EC', ...(await exportJWK(otherEc.publicKey)), kid: 'old', alg: 'ES256', use: 'sig' },
          { kty: 'EC', ...(await exportJWK(ec.publicKey)), kid: 'current', alg: 'ES256', use: 'sig' },
        ],
      };
    });

    it('accepts RS256 with a PEM public key', async () => {
      const token = await new SignJWT({ ...baseClaims, jti: 'rs-1' }).setProtectedHeader({ alg: 'RS256' }).sign(rsaPrivate);
      const result = await check(`Bearer ${token}`, { ...strict, algorithms: ['RS256'], publicKey: rsaPem }, { secrets: [] });
      expect(result).toEqual({ ok: true, externalId: 'rs-1', eventType: 'job.finished' });
    });

    it('accepts ES256 through a JWKS', async () => {
      const token = await new SignJWT(baseClaims).setProtectedHeader({ alg: 'ES256', kid: 'current' }).sign(ecPrivate);
      const result = await check(`Bearer ${token}`, { ...strict, algorithms: ['ES256'], jwks }, { secrets: [] });
      expect(result.ok).toBe(true);
    });

    it('rejects ES256 under a kid of another key', async () => {
      const token = await new SignJWT(baseClaims).setProtectedHeader({ alg: 'ES256', kid: 'old' }).sign(ecPrivate);
      expectFailure(await check(`Bearer ${token}`, { ...strict, algorithms: ['ES256'], jwks }), 401, 'signature_invalid');
    });

    it('rejects RS256 when only HS256 is allowed', async () => {
      const token = await new SignJWT(baseClaims).setProtectedHeader({ alg: 'RS256' }).sign(rsaPrivate);
      const result = await check(`Bearer ${token}`, { ...strict, publicKey: rsaPem });
      expectFailure(result, 401, 'algorithm_rejected');
      if (!result.ok) expect(result.message).toContain('HS256');
    });

    it('rejects HS256 keyed with the public key', async () => {
      // Algorithm confusion: the attacker uses the published PEM as an HMAC secret.
      const token = await hs256(baseClaims, rsaPem);
      const options = { ...strict, algorithms: ['RS256' as const], publicKey: rsaPem };
      expectFailure(await check(`Bearer ${token}`, options, { secrets: [] }), 401, 'algorithm_rejected');
    });

    it('rejects ES256 when only an RSA key is configured', async () => {
      const token = await new SignJWT(baseClaims).setProtectedHeader({ alg: 'ES256' }).sign(ecPrivate);
      const result = await check(`Bearer ${token}`, { ...strict, algorithms: ['ES256'], publicKey: rsaPem });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.code).toBe('signature_invalid');
    });
  });
});
