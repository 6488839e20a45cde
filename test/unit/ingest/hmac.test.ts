import { describe, expect, it } from 'vitest';
import { verify } from '../../../lib/ingest/schemes';
import { SchemeOptionsSchema, type SchemeOptionsInput, type VerifyResult } from '../../../lib/ingest/schemes/types';

// Signatures computed once with `openssl dgst -sha256 -hmac hmac-secret`.
const SECRET = 'hmac-secret';
const BODY = '{"type":"order.created","id":"ord_9"}';
const HEX = 'f2c46e7107f7737df35d041a68563f9c55d4c362373968243f844f43aa8a3c33';
const BASE64 = '8sRucQf3c33zXQQaaFY/nFXUw2I3OWgkP4RPQ6qKPDM=';
const UTF8_BODY = '{"type":"note","text":"naïve façade 😀"}';
const UTF8_HEX = '1576a27bfa3fab92434149086b205740f241615b74cd67949873458090b80852';

const encoder = new TextEncoder();

function check(
  body: string,
  headers: Record<string, string>,
  options: SchemeOptionsInput = {},
  secrets = [SECRET],
): Promise<VerifyResult> {
  return verify('hmac-sha256', {
    body: encoder.encode(body),
    headers: new Headers(headers),
    secrets,
    options: SchemeOptionsSchema.parse(options),
    now: 1_700_000_000_000,
  });
}

function expectFailure(result: VerifyResult, status: number, code: string, field = 'x-signature') {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  expect(result.code).toBe(code);
  expect(result.field).toBe(field);
}

describe('hmac-sha256 scheme', () => {
  it('accepts the hex vector in X-Signature', async () => {
    const result = await check(BODY, { 'X-Signature': HEX, 'Idempotency-Key': 'order-9-created' });
    expect(result).toEqual({ ok: true, externalId: 'order-9-created', eventType: 'order.created' });
  });

  it('returns a null externalId without Idempotency-Key', async () => {
    expect(await check(BODY, { 'X-Signature': HEX })).toEqual({ ok: true, externalId: null, eventType: 'order.created' });
  });

  it('accepts non-ASCII bodies byte for byte', async () => {
    expect((await check(UTF8_BODY, { 'X-Signature': UTF8_HEX })).ok).toBe(true);
    expectFailure(await check(UTF8_BODY.normalize('NFD'), { 'X-Signature': UTF8_HEX }), 401, 'signature_invalid');
  });

  it('accepts the base64 vector', async () => {
    expect((await check(BODY, { 'X-Signature': BASE64 }, { encoding: 'base64' })).ok).toBe(true);
  });

  it('accepts unpadded URL-safe base64', async () => {
    const urlSafe = BASE64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(urlSafe).not.toBe(BASE64);
    expect((await check(BODY, { 'X-Signature': urlSafe }, { encoding: 'base64' })).ok).toBe(true);
  });

  it('rejects characters outside base64', async () => {
    expectFailure(await check(BODY, { 'X-Signature': `${BASE64.slice(0, -2)}!!` }, { encoding: 'base64' }), 401, 'header_malformed');
  });

  it('reads a configured header and prefix', async () => {
    const options = { header: 'X-Acme-Signature', prefix: 'sha256=' };
    expect((await check(BODY, { 'X-Acme-Signature': `sha256=${HEX}` }, options)).ok).toBe(true);
    expectFailure(await check(BODY, { 'X-Acme-Signature': HEX }, options), 401, 'header_malformed', 'x-acme-signature');
    expectFailure(await check(BODY, { 'X-Signature': HEX }, options), 401, 'signature_missing', 'x-acme-signature');
  });

  it('rejects a re-serialized body', async () => {
    expectFailure(await check(JSON.stringify(JSON.parse(BODY), null, 2), { 'X-Signature': HEX }), 401, 'signature_invalid');
  });

  it('rejects a body with a trailing newline removed', async () => {
    // HMAC-SHA256 of BODY followed by "\n", computed with openssl.
    const withNewline = '09de3b3e0244ac2fa7eac0fafccffec4561296b7b7b5eb2c58b9ea810197be81';
    expect((await check(`${BODY}\n`, { 'X-Signature': withNewline })).ok).toBe(true);
    expectFailure(await check(BODY, { 'X-Signature': withNewline }), 401, 'signature_invalid');
  });

  it('rejects a signature one character short', async () => {
    expectFailure(await check(BODY, { 'X-Signature': HEX.slice(0, -1) }), 401, 'signature_invalid');
  });

  it('rejects a missing header', async () => {
    const result = await check(BODY, {});
    expectFailure(result, 401, 'signature_missing');
    if (!result.ok) expect(result.message).toContain('x-signature');
  });

  it('rejects an empty header', async () => {
    expectFailure(await check(BODY, { 'X-Signature': ' ' }), 401, 'signature_missing');
  });

  it('rejects non-hex characters', async () => {
    expectFailure(await check(BODY, { 'X-Signature': `${HEX.slice(0, -1)}g` }), 401, 'header_malformed');
  });

  it('accepts the second of two rotated secrets', async () => {
    expect((await check(BODY, { 'X-Signature': HEX }, {}, ['next-secret', SECRET])).ok).toBe(true);
  });

  it('rejects the wrong secret', async () => {
    expectFailure(await check(BODY, { 'X-Signature': HEX }, {}, ['next-secret']), 401, 'signature_invalid');
  });
});
