// Signature producers for every inbound scheme. The verifiers in lib/ingest/schemes recompute
// signatures with these functions, and tests, the demo producer and the outbound sender use
// them to sign requests. Strings are signed as their UTF-8 bytes.
import { createHmac, randomBytes } from 'node:crypto';

export type SignableBody = Uint8Array | string;
export type SignatureEncoding = 'hex' | 'base64';

const WHSEC_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Computes HMAC-SHA256 over the concatenation of `parts`. */
export function hmacSha256(key: string | Uint8Array, ...parts: SignableBody[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

function assertTimestampSeconds(timestampSeconds: number): void {
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new RangeError(`timestampSeconds must be a non-negative integer, got ${timestampSeconds}`);
  }
}

/** Returns the `X-Hub-Signature-256` header value, `sha256=<hex>`. */
export function signGithub(body: SignableBody, secret: string): string {
  return `sha256=${hmacSha256(secret, body).toString('hex')}`;
}

/**
 * Returns the hex `v1` signature of a Stripe event: HMAC-SHA256 of `<timestamp>.<body>`,
 * keyed with the whole endpoint secret, `whsec_` included.
 */
export function stripeV1Signature(body: SignableBody, secret: string, timestampSeconds: number): string {
  assertTimestampSeconds(timestampSeconds);
  return hmacSha256(secret, `${timestampSeconds}.`, body).toString('hex');
}

/** Returns the `Stripe-Signature` header value, `t=<seconds>,v1=<hex>`. */
export function signStripe(body: SignableBody, secret: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${stripeV1Signature(body, secret, timestampSeconds)}`;
}

/**
 * Decodes a Standard Webhooks secret (`whsec_` and base64, or base64 alone) to key bytes.
 * Throws when the text is not canonical base64 or decodes to nothing. The error message
 * does not contain the secret.
 */
export function decodeWhsecSecret(secret: string): Buffer {
  const encoded = secret.startsWith(WHSEC_PREFIX) ? secret.slice(WHSEC_PREFIX.length) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new Error('Invalid Standard Webhooks secret: expected whsec_ followed by padded base64');
  }
  return Buffer.from(encoded, 'base64');
}

/** Returns the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`, without the `v1,` label. */
export function standardWebhooksSignature(
  key: Uint8Array,
  id: string,
  timestampSeconds: number,
  body: SignableBody,
): string {
  assertTimestampSeconds(timestampSeconds);
  return hmacSha256(key, `${id}.${timestampSeconds}.`, body).toString('base64');
}

/** Returns one `webhook-signature` entry, `v1,<base64>`, for the given id, time and body. */
export function signStandardWebhooks(params: {
  id: string;
  timestampSeconds: number;
  body: SignableBody;
  /** `whsec_` followed by base64. */
  secret: string;
}): string {
  const key = decodeWhsecSecret(params.secret);
  return `v1,${standardWebhooksSignature(key, params.id, params.timestampSeconds, params.body)}`;
}

/** Returns the HMAC-SHA256 of the body in the given encoding, without any prefix. */
export function signHmac(body: SignableBody, secret: string, encoding: SignatureEncoding = 'hex'): string {
  return hmacSha256(secret, body).toString(encoding);
}

/** Generates a Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function generateWhsecSecret(): string {
  return WHSEC_PREFIX + randomBytes(32).toString('base64');
}
