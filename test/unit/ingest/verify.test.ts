import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { SCHEME_NAMES, SchemeOptionsSchema, verify, type SchemeName, type VerifyInput } from '../../../lib/ingest/schemes';
import { signGithub, signHmac, signStandardWebhooks, signStripe } from '../../../lib/ingest/sign';

const T = 1_700_000_000;
const OPTIONS = SchemeOptionsSchema.parse({});
const encoder = new TextEncoder();

const whsec = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;

// Secrets per scheme: the one the source stores, and one that an outsider signs with.
const SOURCE_SECRET: Record<SchemeName, string> = {
  github: 'source-secret',
  stripe: 'whsec_source',
  'standard-webhooks': whsec(1),
  'hmac-sha256': 'source-secret',
  jwt: 'source-secret',
};
const OUTSIDER_SECRET: Record<SchemeName, string> = {
  github: 'outsider-secret',
  stripe: 'whsec_outsider',
  'standard-webhooks': whsec(2),
  'hmac-sha256': 'outsider-secret',
  jwt: 'outsider-secret',
};

/** Returns headers that carry a well-formed signature of `body` made with `secret`. */
async function signedHeaders(scheme: SchemeName, body: Uint8Array, secret: string): Promise<Record<string, string>> {
  switch (scheme) {
    case 'github':
      return { 'x-hub-signature-256': signGithub(body, secret) };
    case 'stripe':
      return { 'stripe-signature': signStripe(body, secret, T) };
    case 'standard-webhooks':
      return {
        'webhook-id': 'msg_property',
        'webhook-timestamp': String(T),
        'webhook-signature': signStandardWebhooks({ id: 'msg_property', timestampSeconds: T, body, secret }),
      };
    case 'hmac-sha256':
      return { 'x-signature': signHmac(body, secret) };
    case 'jwt': {
      const token = await new SignJWT({ exp: T + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(encoder.encode(secret));
      return { authorization: `Bearer ${token}` };
    }
  }
}

function input(body: Uint8Array, headers: Headers, secrets: string[], options = OPTIONS): VerifyInput {
  return { body, headers, secrets, options, now: T * 1000 };
}

// Header names that the schemes read, so that random values reach the parsers.
const HEADER_NAMES = [
  'x-hub-signature-256',
  'x-github-delivery',
  'x-github-event',
  'stripe-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-signature',
  'authorization',
  'idempotency-key',
  'x-random',
];

// Printable ASCII only, because Headers rejects control characters.
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 120 }),
  fc.constantFrom('t=1700000000,v1=', 'v1,', 'v1a,abc v1,', 'sha256=', 'Bearer ', 'Bearer a.b.c', '1700000000'),
  fc
    .tuple(fc.constantFrom('sha256=', 't=1700000000,v1=', 'v1,', 'Bearer ', ''), fc.stringMatching(/^[A-Za-z0-9+/=._-]{0,90}$/))
    .map(([prefix, rest]) => prefix + rest),
);
const headerMap = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 8 });
const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.json().map((text) => encoder.encode(text)),
  fc.string({ unit: 'grapheme' }).map((text) => encoder.encode(text)),
);

describe('verify', () => {
  it('never throws or passes on random headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SCHEME_NAMES), headerMap, body, async (scheme, headers, bytes) => {
        const result = await verify(scheme, input(bytes, new Headers(headers), [SOURCE_SECRET[scheme]]));
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect([400, 401]).toContain(result.status);
          expect(result.cause).toBeUndefined();
          expect(result.message).not.toContain(SOURCE_SECRET[scheme]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never passes a signature made with another secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SCHEME_NAMES), headerMap, body, async (scheme, noise, bytes) => {
        const signed = await signedHeaders(scheme, bytes, OUTSIDER_SECRET[scheme]);
        const result = await verify(scheme, input(bytes, new Headers({ ...noise, ...signed }), [SOURCE_SECRET[scheme]]));
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.cause).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('passes a signature made with the source secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SCHEME_NAMES), body, async (scheme, bytes) => {
        const signed = await signedHeaders(scheme, bytes, SOURCE_SECRET[scheme]);
        const result = await verify(scheme, input(bytes, new Headers(signed), [OUTSIDER_SECRET[scheme], SOURCE_SECRET[scheme]]));
        expect(result.ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('ignores empty secrets', async () => {
    // The other two schemes cannot sign with an empty key at all.
    const bytes = encoder.encode('{}');
    for (const scheme of ['github', 'stripe', 'hmac-sha256'] as const) {
      const signedWithEmptyKey = await signedHeaders(scheme, bytes, '');
      const rejected = await verify(scheme, input(bytes, new Headers(signedWithEmptyKey), ['']));
      expect(rejected.ok, scheme).toBe(false);
    }
  });

  it('tries the next secret after an empty one', async () => {
    const bytes = encoder.encode('{}');
    for (const scheme of SCHEME_NAMES) {
      const signed = await signedHeaders(scheme, bytes, SOURCE_SECRET[scheme]);
      const result = await verify(scheme, input(bytes, new Headers(signed), ['', SOURCE_SECRET[scheme]]));
      expect(result.ok, scheme).toBe(true);
    }
  });

  it('rejects an unknown scheme', async () => {
    const result = await verify('sha1' as SchemeName, input(new Uint8Array(), new Headers(), ['secret']));
    expect(result).toMatchObject({ ok: false, status: 401, code: 'scheme_unknown' });
  });

  it('rejects invalid stored options', async () => {
    const options = { toleranceSeconds: -5 } as unknown as VerifyInput['options'];
    const result = await verify('stripe', input(new Uint8Array(), new Headers(), ['secret'], options));
    expect(result).toMatchObject({ ok: false, status: 401, code: 'source_misconfigured' });
    if (!result.ok) expect(result.message).toContain('toleranceSeconds');
  });

  it('fills defaults for empty stored options', async () => {
    const bytes = encoder.encode('{}');
    const stored = {} as VerifyInput['options'];
    const headers = new Headers({ 'x-signature': signHmac(bytes, 'secret') });
    expect((await verify('hmac-sha256', input(bytes, headers, ['secret'], stored))).ok).toBe(true);
  });

  it('turns an internal error into signature_invalid', async () => {
    const broken = { ...input(encoder.encode('{}'), new Headers({ 'x-signature': 'ab' }), ['secret']), secrets: null };
    const result = await verify('hmac-sha256', broken as unknown as VerifyInput);
    expect(result).toMatchObject({ ok: false, status: 401, code: 'signature_invalid' });
    if (!result.ok) expect(result.cause).toBeInstanceOf(TypeError);
  });
});

describe('SchemeOptionsSchema', () => {
  it('fills every default', () => {
    expect(SchemeOptionsSchema.parse({})).toEqual({
      toleranceSeconds: 300,
      header: 'x-signature',
      encoding: 'hex',
      algorithms: ['HS256'],
      requiredClaims: [],
      clockSkewSeconds: 30,
    });
  });

  it('lower-cases the header name', () => {
    expect(SchemeOptionsSchema.parse({ header: 'X-Acme-Signature' }).header).toBe('x-acme-signature');
  });

  it('rejects an invalid header name', () => {
    expect(SchemeOptionsSchema.safeParse({ header: 'x signature' }).success).toBe(false);
  });

  it('rejects alg none', () => {
    expect(SchemeOptionsSchema.safeParse({ algorithms: ['none'] }).success).toBe(false);
    expect(SchemeOptionsSchema.safeParse({ algorithms: [] }).success).toBe(false);
  });

  it('rejects a public key that is not SPKI PEM', () => {
    expect(SchemeOptionsSchema.safeParse({ publicKey: 'ssh-rsa AAAA' }).success).toBe(false);
  });

  it('keeps every JWK field of a JWKS', () => {
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1', alg: 'ES256' }] };
    expect(SchemeOptionsSchema.parse({ jwks }).jwks).toEqual(jwks);
  });

  it('accepts issuer and audience lists', () => {
    const parsed = SchemeOptionsSchema.parse({ issuer: ['a', 'b'], audience: 'switchyard' });
    expect(parsed.issuer).toEqual(['a', 'b']);
    expect(parsed.audience).toBe('switchyard');
  });
});
