import { beforeAll, describe, expect, it } from 'vitest';

import { SESSION_TTL_SECONDS, adminTokenFingerprint, decodeSession, encodeSession, sessionCookie } from '../../../lib/auth/session';

describe('session cookie', () => {
  beforeAll(() => {
    process.env.SWITCHYARD_ENCRYPTION_KEY ??= '5a'.repeat(32);
  });

  it('round-trips the claims until it expires', () => {
    const now = 1_800_000_000;
    const value = encodeSession({ sub: 'usr_1', actor: 'user:a@example.com', role: 'operator' }, now);
    expect(decodeSession(value, now + 1)).toEqual({ sub: 'usr_1', actor: 'user:a@example.com', role: 'operator', exp: now + SESSION_TTL_SECONDS });
    expect(decodeSession(value, now + SESSION_TTL_SECONDS)).toBeNull();
  });

  it('rejects a changed body or MAC', () => {
    const value = encodeSession({ sub: 'usr_1', actor: 'user:a@example.com', role: 'viewer' });
    const [body, mac] = value.split('.');
    const promoted = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), role: 'admin' })).toString('base64url');
    expect(decodeSession(`${promoted}.${mac}`)).toBeNull();
    expect(decodeSession(`${body}.${mac.slice(1)}`)).toBeNull();
    expect(decodeSession(body)).toBeNull();
    expect(decodeSession('')).toBeNull();
  });

  it('rejects claims without a subject', () => {
    const value = encodeSession({ actor: 'admin', role: 'admin' } as never);
    expect(decodeSession(value)).toBeNull();
  });

  it('sets HttpOnly and SameSite=Lax, and Secure over https', () => {
    const claims = { sub: 'admin', actor: 'admin', role: 'admin' as const, kid: adminTokenFingerprint('token') };
    expect(sessionCookie(claims, false)).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(sessionCookie(claims, true)).toMatch(/; Secure$/);
  });

  it('fingerprints different admin tokens differently', () => {
    expect(adminTokenFingerprint('first-admin-token')).not.toBe(adminTokenFingerprint('second-admin-token'));
  });
});
