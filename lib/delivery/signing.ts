import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** Decodes a Standard Webhooks secret: "whsec_" followed by base64 key bytes. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return Buffer.from(encoded, 'base64');
}

// Decoded keys by secret text, so each attempt does not decode the same base64 again. The
// map is cleared when it grows past KEY_CACHE_SIZE, which bounds it when secrets rotate.
const KEY_CACHE_SIZE = 1_000;
const keys = new Map<string, KeyObject>();

function cachedKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= KEY_CACHE_SIZE) keys.clear();
    key = createSecretKey(secretKey(secret));
    keys.set(secret, key);
  }
  return key;
}

/**
 * Standard Webhooks headers for one attempt: HMAC-SHA256 over "id.timestamp.body" with the
 * exact body bytes, base64, as "v1,<signature>". Each attempt gets a fresh timestamp.
 */
export function standardWebhookHeaders(input: { id: string; timestampSeconds: number; body: Uint8Array; secret: string }): Record<string, string> {
  const timestamp = String(input.timestampSeconds);
  const signature = createHmac('sha256', cachedKey(input.secret))
    .update(`${input.id}.${timestamp}.`)
    .update(input.body)
    .digest('base64');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
