import { createHmac } from 'node:crypto';

/** Decodes a Standard Webhooks secret: "whsec_" followed by base64 key bytes. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/**
 * Standard Webhooks headers for one attempt: HMAC-SHA256 over "id.timestamp.body" with the
 * exact body bytes, base64, as "v1,<signature>". Each attempt gets a fresh timestamp.
 */
export function standardWebhookHeaders(input: { id: string; timestampSeconds: number; body: Uint8Array; secret: string }): Record<string, string> {
  const timestamp = String(input.timestampSeconds);
  const signature = createHmac('sha256', secretKey(input.secret))
    .update(`${input.id}.${timestamp}.`)
    .update(input.body)
    .digest('base64');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
