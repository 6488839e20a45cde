import { describe, expect, it } from 'vitest';
import { verify } from '../../../lib/ingest/schemes';
import { SchemeOptionsSchema, type VerifyResult } from '../../../lib/ingest/schemes/types';
import { signStripe } from '../../../lib/ingest/sign';

// Signatures computed once with `openssl dgst -sha256 -hmac whsec_test_stripe_secret` over
// "1700000000.<body>".
const SECRET = 'whsec_test_stripe_secret';
const T = 1_700_000_000;
const BODY = '{"id":"evt_1","type":"invoice.paid"}';
const V1 = 'd1e8101f9589d53d409250e39dd28261a577d5636974d15a7ff70ee310647f5a';
const UTF8_BODY = '{"id":"evt_2","type":"charge.succeeded","description":"Café ☕"}';
const UTF8_V1 = '5ab3920e568cef6020f5c7e046d776214138fc5e7292215f1f232489e56f62bf';

const encoder = new TextEncoder();

function check(
  body: string,
  header: string | null,
  { nowSeconds = T, secrets = [SECRET], toleranceSeconds }: { nowSeconds?: number; secrets?: string[]; toleranceSeconds?: number } = {},
): Promise<VerifyResult> {
  return verify('stripe', {
    body: encoder.encode(body),
    headers: new Headers(header === null ? {} : { 'Stripe-Signature': header }),
    secrets,
    options: SchemeOptionsSchema.parse({ toleranceSeconds }),
    now: nowSeconds * 1000,
  });
}

function expectFailure(result: VerifyResult, status: number, code: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  expect(result.code).toBe(code);
  expect(result.field).toBe('stripe-signature');
}

describe('stripe scheme', () => {
  it('accepts the fixed vector', async () => {
    const result = await check(BODY, `t=${T},v1=${V1}`);
    expect(result).toEqual({ ok: true, externalId: 'evt_1', eventType: 'invoice.paid' });
  });

  it('accepts non-ASCII bodies byte for byte', async () => {
    const result = await check(UTF8_BODY, `t=${T},v1=${UTF8_V1}`);
    expect(result).toEqual({ ok: true, externalId: 'evt_2', eventType: 'charge.succeeded' });
  });

  it('rejects a re-serialized body', async () => {
    const reserialized = JSON.stringify(JSON.parse(BODY), null, 1);
    expectFailure(await check(reserialized, `t=${T},v1=${V1}`), 401, 'signature_invalid');
  });

  it('rejects a body with a trailing newline removed', async () => {
    const signed = `${BODY}\n`;
    const header = signStripe(signed, SECRET, T);
    expect((await check(signed, header)).ok).toBe(true);
    expectFailure(await check(BODY, header), 401, 'signature_invalid');
  });

  it('rejects a signature one character short', async () => {
    expectFailure(await check(BODY, `t=${T},v1=${V1.slice(0, -1)}`), 401, 'signature_invalid');
  });

  it('rejects a timestamp from another signature', async () => {
    expectFailure(await check(BODY, `t=${T + 1},v1=${V1}`, { nowSeconds: T }), 401, 'signature_invalid');
  });

  it('rejects a missing header', async () => {
    expectFailure(await check(BODY, null), 401, 'signature_missing');
  });

  it('rejects an empty header', async () => {
    expectFailure(await check(BODY, ''), 401, 'signature_missing');
  });

  it('rejects a header without t=', async () => {
    expectFailure(await check(BODY, `v1=${V1}`), 401, 'header_malformed');
  });

  it('rejects a non-numeric t=', async () => {
    expectFailure(await check(BODY, `t=yesterday,v1=${V1}`), 401, 'header_malformed');
  });

  it('rejects two different t= values', async () => {
    expectFailure(await check(BODY, `t=${T},t=${T + 1},v1=${V1}`), 401, 'header_malformed');
  });

  it('rejects a header without v1=', async () => {
    expectFailure(await check(BODY, `t=${T},v0=${V1}`), 401, 'signature_missing');
  });

  it('rejects a timestamp 301 s in the past', async () => {
    const result = await check(BODY, `t=${T},v1=${V1}`, { nowSeconds: T + 301 });
    expectFailure(result, 401, 'timestamp_out_of_tolerance');
    if (!result.ok) expect(result.message).toContain('301 s old');
  });

  it('rejects a timestamp 301 s in the future', async () => {
    const result = await check(BODY, `t=${T},v1=${V1}`, { nowSeconds: T - 301 });
    expectFailure(result, 401, 'timestamp_out_of_tolerance');
    if (!result.ok) expect(result.message).toContain('301 s in the future');
  });

  it('accepts timestamps 299 s and 300 s either way', async () => {
    for (const offset of [-300, -299, 299, 300]) {
      expect((await check(BODY, `t=${T},v1=${V1}`, { nowSeconds: T + offset })).ok, `offset ${offset}`).toBe(true);
    }
  });

  it('applies a configured tolerance', async () => {
    expectFailure(await check(BODY, `t=${T},v1=${V1}`, { nowSeconds: T + 61, toleranceSeconds: 60 }), 401, 'timestamp_out_of_tolerance');
    expect((await check(BODY, `t=${T},v1=${V1}`, { nowSeconds: T + 60, toleranceSeconds: 60 })).ok).toBe(true);
  });

  it('accepts when only the second v1 is right', async () => {
    const wrong = '0'.repeat(64);
    expect((await check(BODY, `t=${T},v1=${wrong},v1=${V1}`)).ok).toBe(true);
  });

  it('ignores v0 and spaces between items', async () => {
    expect((await check(BODY, `t=${T}, v0=${'a'.repeat(64)}, v1=${V1}`)).ok).toBe(true);
  });

  it('accepts the second of two rotated secrets', async () => {
    expect((await check(BODY, `t=${T},v1=${V1}`, { secrets: ['whsec_new', SECRET] })).ok).toBe(true);
  });

  it('rejects the wrong secret', async () => {
    expectFailure(await check(BODY, `t=${T},v1=${V1}`, { secrets: ['whsec_other'] }), 401, 'signature_invalid');
  });

  it('returns null ids for a signed non-JSON body', async () => {
    const body = 'plain text';
    const result = await check(body, signStripe(body, SECRET, T));
    expect(result).toEqual({ ok: true, externalId: null, eventType: null });
  });
});
