import { describe, expect, it } from 'vitest';
import { verify } from '../../../lib/ingest/schemes';
import { SchemeOptionsSchema, type VerifyResult } from '../../../lib/ingest/schemes/types';

// Signatures computed once with `openssl dgst -sha256 -hmac gh-secret-1`.
const SECRET = 'gh-secret-1';
const BODY = '{"action":"opened","number":7}\n';
const SIGNATURE = 'sha256=301c26d16d89c374679f85d92977e5f730267ae8d8b0d4d6cedde7491111b26e';
const UTF8_BODY = '{"text":"Crème brûlée 🍮"}';
const UTF8_SIGNATURE = 'sha256=172f34e6f65d40615420ce695d5e802e63289b1e8afc5bf2af7f3466aa758a75';

const encoder = new TextEncoder();

function check(body: string | Uint8Array, headers: Record<string, string>, secrets = [SECRET]): Promise<VerifyResult> {
  return verify('github', {
    body: typeof body === 'string' ? encoder.encode(body) : body,
    headers: new Headers(headers),
    secrets,
    options: SchemeOptionsSchema.parse({}),
    now: 1_700_000_000_000,
  });
}

function expectFailure(result: VerifyResult, status: number, code: string, field?: string) {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.status).toBe(status);
  expect(result.code).toBe(code);
  if (field) expect(result.field).toBe(field);
  expect(result.message.length).toBeGreaterThan(0);
}

describe('github scheme', () => {
  it('accepts the fixed vector', async () => {
    const result = await check(BODY, {
      'X-Hub-Signature-256': SIGNATURE,
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'X-GitHub-Event': 'pull_request',
    });
    expect(result).toEqual({ ok: true, externalId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', eventType: 'pull_request' });
  });

  it('returns null ids without delivery headers', async () => {
    const result = await check(BODY, { 'X-Hub-Signature-256': SIGNATURE });
    expect(result).toEqual({ ok: true, externalId: null, eventType: null });
  });

  it('accepts non-ASCII bodies byte for byte', async () => {
    expect((await check(UTF8_BODY, { 'X-Hub-Signature-256': UTF8_SIGNATURE })).ok).toBe(true);
  });

  it('rejects non-ASCII text in another normalization', async () => {
    const decomposed = UTF8_BODY.normalize('NFD');
    expect(decomposed).not.toBe(UTF8_BODY);
    expectFailure(await check(decomposed, { 'X-Hub-Signature-256': UTF8_SIGNATURE }), 401, 'signature_invalid');
  });

  it('rejects a re-serialized body', async () => {
    const reserialized = JSON.stringify(JSON.parse(BODY), null, 2);
    expectFailure(await check(reserialized, { 'X-Hub-Signature-256': SIGNATURE }), 401, 'signature_invalid');
  });

  it('rejects a body without its trailing newline', async () => {
    expectFailure(await check(BODY.trimEnd(), { 'X-Hub-Signature-256': SIGNATURE }), 401, 'signature_invalid');
  });

  it('rejects a signature one character short', async () => {
    const result = await check(BODY, { 'X-Hub-Signature-256': SIGNATURE.slice(0, -1) });
    expectFailure(result, 401, 'signature_invalid', 'x-hub-signature-256');
  });

  it('accepts upper-case hex', async () => {
    const upper = `sha256=${SIGNATURE.slice('sha256='.length).toUpperCase()}`;
    expect((await check(BODY, { 'X-Hub-Signature-256': upper })).ok).toBe(true);
  });

  it('rejects a missing header', async () => {
    const result = await check(BODY, {});
    expectFailure(result, 401, 'signature_missing', 'x-hub-signature-256');
    if (!result.ok) expect(result.message).toContain('X-Hub-Signature-256');
  });

  it('rejects an empty header', async () => {
    const result = await check(BODY, { 'X-Hub-Signature-256': '' });
    expectFailure(result, 401, 'signature_missing', 'x-hub-signature-256');
    if (!result.ok) expect(result.message).toContain('empty');
  });

  it('rejects a header without sha256=', async () => {
    const result = await check(BODY, { 'X-Hub-Signature-256': SIGNATURE.slice('sha256='.length) });
    expectFailure(result, 401, 'header_malformed', 'x-hub-signature-256');
    if (!result.ok) expect(result.message).toContain('sha256=');
  });

  it('rejects non-hex characters', async () => {
    const result = await check(BODY, { 'X-Hub-Signature-256': 'sha256=not-hex' });
    expectFailure(result, 401, 'header_malformed', 'x-hub-signature-256');
  });

  it('rejects the wrong secret', async () => {
    expectFailure(await check(BODY, { 'X-Hub-Signature-256': SIGNATURE }, ['other-secret']), 401, 'signature_invalid');
  });

  it('accepts the second of two rotated secrets', async () => {
    expect((await check(BODY, { 'X-Hub-Signature-256': SIGNATURE }, ['new-secret', SECRET])).ok).toBe(true);
  });

  it('rejects every request without secrets', async () => {
    expectFailure(await check(BODY, { 'X-Hub-Signature-256': SIGNATURE }, []), 401, 'signature_invalid');
  });
});
