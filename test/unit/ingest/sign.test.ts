import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  decodeWhsecSecret,
  generateWhsecSecret,
  signGithub,
  signHmac,
  signStandardWebhooks,
  signStripe,
} from '../../../lib/ingest/sign';

// Expected values below were computed once with `openssl dgst -sha256 -hmac`.
const T = 1_700_000_000;
const SW_SECRET = 'whsec_c3dpdGNoeWFyZC10ZXN0LWtleS0zMi1ieXRlcyEhISE=';

describe('signature producers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('signGithub matches the openssl vector', () => {
    expect(signGithub('{"action":"opened","number":7}\n', 'gh-secret-1')).toBe(
      'sha256=301c26d16d89c374679f85d92977e5f730267ae8d8b0d4d6cedde7491111b26e',
    );
  });

  it('signGithub signs strings as UTF-8', () => {
    const text = '{"text":"Crème brûlée 🍮"}';
    const expected = 'sha256=172f34e6f65d40615420ce695d5e802e63289b1e8afc5bf2af7f3466aa758a75';
    expect(signGithub(text, 'gh-secret-1')).toBe(expected);
    expect(signGithub(new TextEncoder().encode(text), 'gh-secret-1')).toBe(expected);
  });

  it('signStripe matches the openssl vector', () => {
    expect(signStripe('{"id":"evt_1","type":"invoice.paid"}', 'whsec_test_stripe_secret', T)).toBe(
      't=1700000000,v1=d1e8101f9589d53d409250e39dd28261a577d5636974d15a7ff70ee310647f5a',
    );
  });

  it('signStripe rejects a fractional timestamp', () => {
    expect(() => signStripe('{}', 'secret', 1.5)).toThrow(RangeError);
  });

  it('signStandardWebhooks matches the openssl vector', () => {
    const signature = signStandardWebhooks({
      id: 'msg_1',
      timestampSeconds: T,
      body: '{"type":"user.created","data":{"name":"Zoë"}}',
      secret: SW_SECRET,
    });
    expect(signature).toBe('v1,dOqWkromM4YyAUq2rdpjfnxxN9+SV4+yXSLIdnYv5dA=');
  });

  it('signStandardWebhooks matches the package', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (id, body, keyBytes, timestampSeconds) => {
          const secret = `whsec_${Buffer.from(keyBytes).toString('base64')}`;
          const ours = signStandardWebhooks({ id, timestampSeconds, body, secret });
          const theirs = new Webhook(secret).sign(id, new Date(timestampSeconds * 1000), body);
          expect(ours).toBe(theirs);
        },
      ),
    );
  });

  it('package verify accepts signStandardWebhooks output', () => {
    vi.useFakeTimers();
    vi.setSystemTime(T * 1000);
    const body = '{"type":"user.created","data":{"name":"Zoë"}}';
    const signature = signStandardWebhooks({ id: 'msg_1', timestampSeconds: T, body, secret: SW_SECRET });
    const payload = new Webhook(SW_SECRET).verify(body, {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(T),
      'webhook-signature': signature,
    });
    expect(payload).toEqual({ type: 'user.created', data: { name: 'Zoë' } });
  });

  it('signHmac matches the openssl vectors', () => {
    const body = '{"type":"order.created","id":"ord_9"}';
    expect(signHmac(body, 'hmac-secret')).toBe('f2c46e7107f7737df35d041a68563f9c55d4c362373968243f844f43aa8a3c33');
    expect(signHmac(body, 'hmac-secret', 'base64')).toBe('8sRucQf3c33zXQQaaFY/nFXUw2I3OWgkP4RPQ6qKPDM=');
  });

  it('generateWhsecSecret yields 32 random bytes', () => {
    const first = generateWhsecSecret();
    const second = generateWhsecSecret();
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeWhsecSecret(first)).toHaveLength(32);
    expect(first).not.toBe(second);
    expect(() => new Webhook(first)).not.toThrow();
  });

  it('decodeWhsecSecret rejects invalid base64', () => {
    for (const secret of ['whsec_', 'whsec_not base64!', 'whsec_abc', '']) {
      expect(() => decodeWhsecSecret(secret), secret).toThrow(/Invalid Standard Webhooks secret/);
    }
  });

  it('decodeWhsecSecret accepts base64 without the prefix', () => {
    expect(decodeWhsecSecret(SW_SECRET.slice('whsec_'.length))).toEqual(decodeWhsecSecret(SW_SECRET));
  });
});
