import { createHash, createHmac } from 'node:crypto';

import { safeEqual } from '../ingest/schemes/constant-time';
import { encryptionKey } from '../crypto/secrets';
import type { Role } from './roles';

export const SESSION_COOKIE = 'switchyard_session';
export const SESSION_TTL_SECONDS = 12 * 3600;

/**
 * The signed content of a session cookie. `sub` is who signed in: a user id (`usr_…`), an API
 * token id (`tok_…`) or `admin`. `kid` fingerprints the admin token for `admin` sessions, so
 * rotating SWITCHYARD_ADMIN_TOKEN ends them. `actor` and `role` are as of sign-in; requests
 * re-read both from the database (lib/auth/session-principal.ts).
 */
export type SessionClaims = { sub: string; actor: string; role: Role; kid?: string; exp: number };

function sessionKey(): Buffer {
  return createHmac('sha256', encryptionKey()).update('switchyard-session-v1').digest();
}

/** Computes a short one-way fingerprint of the admin token for `admin` session claims. */
export function adminTokenFingerprint(token: string): string {
  return createHash('sha256').update('switchyard-admin-session').update(token).digest('hex').slice(0, 16);
}

/** Encodes a session as base64url(JSON) + "." + HMAC, so the server keeps no session table. */
export function encodeSession(
  claims: Omit<SessionClaims, 'exp'>,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  const body = Buffer.from(JSON.stringify({ ...claims, exp: nowSeconds + SESSION_TTL_SECONDS })).toString('base64url');
  const mac = createHmac('sha256', sessionKey()).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** Returns the claims of a cookie with a valid MAC that has not expired, or null. */
export function decodeSession(value: string, nowSeconds = Math.floor(Date.now() / 1000)): SessionClaims | null {
  const [body, mac] = value.split('.');
  if (!body || !mac) return null;
  const expected = createHmac('sha256', sessionKey()).update(body).digest('base64url');
  if (!safeEqual(mac, expected)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
    // Cookies issued before sessions carried a subject cannot be checked against the database.
    if (typeof claims.sub !== 'string') return null;
    return claims.exp > nowSeconds ? claims : null;
  } catch {
    return null;
  }
}

/** Builds the Set-Cookie value that starts a session: HttpOnly, SameSite=Lax, Secure over https. */
export function sessionCookie(claims: Omit<SessionClaims, 'exp'>, secure: boolean): string {
  const flags = `Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_SECONDS}${secure ? '; Secure' : ''}`;
  return `${SESSION_COOKIE}=${encodeSession(claims)}; ${flags}`;
}
