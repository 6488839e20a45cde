import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verify } from '../../../lib/ingest/schemes';
import { SchemeOptionsSchema, type VerifyResult } from '../../../lib/ingest/schemes/types';
import { signStandardWebhooks } from '../../../lib/ingest/sign';

// Signature computed once with openssl: HMAC-SHA256 keyed with the base64-decoded secret over
// "msg_1.1700000000.<body>", then base64.
const SECRET = 'whsec_c3dpdGNoeWFyZC10ZXN0LWtleS0zMi1ieXRlcyEhISE=';
const T = 1_700_000_000;
const ID = 'msg_1';
const BODY = '{"type":"user.created","data":{"name":"Zoë"}}';
const SIGNATURE = 'v1,dOqWkromM4YyAUq2rdpjfnxxN9+SV4+yXSLIdnYv5dA=';

const encoder = new TextEncoder();

type Overrides = { id?: string | null; timestamp?: string | null; signature?: string | null };

function check(
  body: string | Uint8Array,
  overrides: Overrides = {},
  { nowSeconds = T, secrets = [SECRET] }: { nowSeconds?: number; secrets?: string[] } = {},
): Promise<VerifyResult> {
  const values = { id: ID, timestamp: String(T), signature: SIGNATURE, ...overrides };
  const headers = new Headers();
  if (values.id !== null) headers.set('webhook-id', values.id);
  if (values.timestamp !== null) headers.set('webhook-timestamp', values.timestamp);
  if (values.signature !== null) headers.set('webhook-signature', values.signature);
  return verify('standard-webhooks', {
    body: typeof body === 'string' ? encoder.encode(body) : body,
    headers,
    secrets,
    options: SchemeOptionsSchema.parse({}),
    now: nowSeconds * 1000,
  });
}

function expectFailure(result: VerifyResult, status: number, code: string, field?: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  expect(result.code).toBe(code);
  if (field) expect(result.field).toBe(field);
}

describe('standard-webhooks scheme', () => {
  it('accepts the fixed vector', async () => {
    expect(await check(BODY)).toEqual({ ok: true, externalId: 'msg_1', eventType: 'user.created' });
  });

  it('accepts signatures made by the package', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        async (id, body, keyBytes) => {
          const secret = `whsec_${Buffer.from(keyBytes).toString('base64')}`;
          const signature = new Webhook(secret).sign(id, new Date(T * 1000), body);
          const result = await check(body, { id, signature }, { secrets: [secret] });
          expect(result.ok).toBe(true);
        },
      ),
    );
  });

  it('returns a null event type for a non-JSON body', async () => {
    const body = 'not json';
    const signature = signStandardWebhooks({ id: ID, timestampSeconds: T, body, secret: SECRET });
    expect(await check(body, { signature })).toEqual({ ok: true, externalId: 'msg_1', eventType: null });
  });

  it('rejects non-ASCII text in another normalization', async () => {
    expectFailure(await check(BODY.normalize('NFD')), 401, 'signature_invalid', 'webhook-signature');
  });

  it('rejects a re-serialized body', async () => {
    expectFailure(await check(JSON.stringify(JSON.parse(BODY), null, 2)), 401, 'signature_invalid');
  });

  it('rejects a body with a trailing newline removed', async () => {
    const signed = `${BODY}\n`;
    const signature = signStandardWebhooks({ id: ID, timestampSeconds: T, body: signed, secret: SECRET });
    expect((await check(signed, { signature })).ok).toBe(true);
    expectFailure(await check(BODY, { signature }), 401, 'signature_invalid');
  });

  it('rejects a changed webhook-id', async () => {
    expectFailure(await check(BODY, { id: 'msg_2' }), 401, 'signature_invalid');
  });

  it('rejects a signature one character short', async () => {
    expectFailure(await check(BODY, { signature: SIGNATURE.slice(0, -1) }), 401, 'signature_invalid');
  });

  it('accepts the v1 entry after a v1a entry', async () => {
    const signature = `v1a,${Buffer.alloc(64, 7).toString('base64')} ${SIGNATURE}`;
    expect((await check(BODY, { signature })).ok).toBe(true);
  });

  it('accepts when only the second v1 is right', async () => {
    const signature = `v1,${Buffer.alloc(32).toString('base64')} ${SIGNATURE}`;
    expect((await check(BODY, { signature })).ok).toBe(true);
  });

  it('rejects a list without v1 entries', async () => {
    const result = await check(BODY, { signature: `v1a,${Buffer.alloc(64, 7).toString('base64')}` });
    expectFailure(result, 401, 'signature_missing', 'webhook-signature');
    if (!result.ok) expect(result.message).toContain('v1a');
  });

  for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
    const key = ({ 'webhook-id': 'id', 'webhook-timestamp': 'timestamp', 'webhook-signature': 'signature' } as const)[header];

    it(`rejects a missing ${header}`, async () => {
      const result = await check(BODY, { [key]: null });
      expectFailure(result, 401, 'signature_missing', header);
      if (!result.ok) expect(result.message).toContain(header);
    });

    it(`rejects an empty ${header}`, async () => {
      expectFailure(await check(BODY, { [key]: '' }), 401, 'signature_missing', header);
    });
  }

  it('rejects a non-numeric webhook-timestamp', async () => {
    for (const timestamp of ['1700000000.5', '-1700000000', '17e8', 'now']) {
      expectFailure(await check(BODY, { timestamp }), 401, 'header_malformed', 'webhook-timestamp');
    }
  });

  it('rejects timestamps 301 s in the past and future', async () => {
    expectFailure(await check(BODY, {}, { nowSeconds: T + 301 }), 401, 'timestamp_out_of_tolerance', 'webhook-timestamp');
    expectFailure(await check(BODY, {}, { nowSeconds: T - 301 }), 401, 'timestamp_out_of_tolerance', 'webhook-timestamp');
  });

  it('accepts timestamps 299 s in the past and future', async () => {
    expect((await check(BODY, {}, { nowSeconds: T + 299 })).ok).toBe(true);
    expect((await check(BODY, {}, { nowSeconds: T - 299 })).ok).toBe(true);
  });

  it('accepts the second of two rotated secrets', async () => {
    const other = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expect((await check(BODY, {}, { secrets: [other, SECRET] })).ok).toBe(true);
  });

  it('skips a secret that is not base64', async () => {
    expect((await check(BODY, {}, { secrets: ['whsec_%%%', SECRET] })).ok).toBe(true);
    expectFailure(await check(BODY, {}, { secrets: ['whsec_%%%'] }), 401, 'signature_invalid');
  });

  it('accepts a secret without the whsec_ prefix', async () => {
    expect((await check(BODY, {}, { secrets: [SECRET.slice('whsec_'.length)] })).ok).toBe(true);
  });

  it('rejects the wrong secret', async () => {
    const other = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    expectFailure(await check(BODY, {}, { secrets: [other] }), 401, 'signature_invalid');
  });
});
