import { createHmac } from 'node:crypto';

import { safeEqual } from '../ingest/schemes/constant-time';
import { encryptionKey } from '../crypto/secrets';
import type { Role } from './roles';

export const SESSION_COOKIE = 'switchyard_session';
export const SESSION_TTL_SECONDS = 12 * 3600;

type SessionClaims = { actor: string; role: Role; exp: number };

function sessionKey(): Buffer {
  return createHmac('sha256', encryptionKey()).update('switchyard-session-v1').digest();
}

/** Encodes a session as base64url(JSON) + "." + HMAC, so the server keeps no session table. */
export function encodeSession(claims: { actor: string; role: Role }, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const body = Buffer.from(JSON.stringify({ ...claims, exp: nowSeconds + SESSION_TTL_SECONDS })).toString('base64url');
  const mac = createHmac('sha256', sessionKey()).update(body).digest('base64url');
  return `${body}.${mac}`;
}

export function decodeSession(value: string, nowSeconds = Math.floor(Date.now() / 1000)): SessionClaims | null {
  const [body, mac] = value.split('.');
  if (!body || !mac) return null;
  const expected = createHmac('sha256', sessionKey()).update(body).digest('base64url');
  if (!safeEqual(mac, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
    return claims.exp > nowSeconds ? claims : null;
  } catch {
    return null;
  }
}
