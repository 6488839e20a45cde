import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Random per process, so a caller cannot choose inputs whose digests collide.
const COMPARE_KEY = randomBytes(32);

function digest(value: string | Uint8Array): Buffer {
  return createHmac('sha256', COMPARE_KEY).update(value).digest();
}

/**
 * Compares two values in time that does not depend on where they differ. Strings are
 * compared as their UTF-8 bytes.
 *
 * Both values are first hashed with HMAC-SHA256 under a random key, and the two 32-byte
 * digests are compared with `crypto.timingSafeEqual`. Values of different lengths therefore
 * return false instead of throwing. The time still grows with the length of the inputs, which
 * reveals only their lengths. Two different values compare equal only on an HMAC-SHA256
 * collision.
 */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
