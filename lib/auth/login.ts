import { z } from 'zod';

import { AppError } from '../api/errors';
import { appendAudit } from '../audit/append';
import type { Db } from '../db/tx';
import { clientAddress } from '../ingest/ingest';
import { takeToken } from '../ingest/rate-limit';
import { logger } from '../telemetry/logger';
import { adminToken } from './admin-token';
import { MAX_PASSWORD_LENGTH, decoyPasswordHash, verifyPassword } from './passwords';
import { isRole, type Principal } from './roles';
import { adminTokenFingerprint, type SessionClaims } from './session';
import { principalForToken } from './tokens';

export const LoginSchema = z
  .object({
    token: z.string().min(1, 'token is required').max(512).optional(),
    email: z.string().trim().toLowerCase().min(1, 'email is required').max(254).optional(),
    password: z.string().min(1, 'password is required').max(MAX_PASSWORD_LENGTH).optional(),
  })
  .strict();

export type LoginInput = z.infer<typeof LoginSchema>;

// Password attempts per email and per client address, as token buckets shared by every
// instance: a short burst for typing mistakes, then a slow refill against guessing. The
// per-address bucket also caps the scrypt work one client can cause.
const PER_EMAIL = { perSecond: 1 / 10, burst: 10 };
const PER_ADDRESS = { perSecond: 1, burst: 30 };

const INVALID_CREDENTIALS = 'The email or password is wrong, or the user is disabled.';

async function limitAttempts(db: Db, key: string, limit: { perSecond: number; burst: number }): Promise<void> {
  const decision = await takeToken(db, key, limit.perSecond, limit.burst);
  if (!decision.allowed) {
    throw new AppError('rate_limited', `Too many sign-in attempts; retry after ${decision.retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(decision.retryAfterSeconds) },
    });
  }
}

async function passwordPrincipal(db: Db, email: string, password: string, headers: Headers): Promise<Principal> {
  await limitAttempts(db, `login:address:${clientAddress(headers)}`, PER_ADDRESS);
  await limitAttempts(db, `login:email:${email}`, PER_EMAIL);
  const result = await db.query<{ id: string; role: string; password_hash: string; disabled_at: Date | null }>(
    'SELECT id, role, password_hash, disabled_at FROM users WHERE email = $1',
    [email],
  );
  const row = result.rows[0];
  // An unknown email still costs one scrypt run, so timing does not reveal which emails exist.
  const matches = await verifyPassword(password, row?.password_hash ?? (await decoyPasswordHash()));
  if (!row || !matches || row.disabled_at !== null || !isRole(row.role)) {
    logger().warn({ email, known: Boolean(row), disabled: Boolean(row?.disabled_at) }, 'password sign-in failed');
    throw new AppError('unauthorized', INVALID_CREDENTIALS, { field: 'password' });
  }
  return { actor: `user:${email}`, role: row.role, via: 'session', subject: row.id };
}

/**
 * Checks a sign-in request, either `{token}` (admin or API token) or `{email, password}`,
 * audits it as `auth.sign_in` and returns the claims for the session cookie.
 */
export async function signIn(db: Db, input: LoginInput, headers: Headers): Promise<Omit<SessionClaims, 'exp'>> {
  let principal: Principal;
  let method: 'token' | 'password';
  if (input.token !== undefined) {
    if (input.email !== undefined || input.password !== undefined) {
      throw new AppError('invalid_request', 'Send either {token} or {email, password}, not both.', { field: 'token' });
    }
    const fromToken = await principalForToken(db, input.token);
    if (!fromToken) throw new AppError('unauthorized', 'The token is invalid or revoked.', { field: 'token' });
    principal = fromToken;
    method = 'token';
  } else if (input.email !== undefined && input.password !== undefined) {
    principal = await passwordPrincipal(db, input.email, input.password, headers);
    method = 'password';
  } else {
    const field = input.email === undefined ? 'email' : 'password';
    throw new AppError('invalid_request', `${field}: required; send {email, password} or {token}.`, { field });
  }

  await appendAudit(db, {
    actor: principal.actor,
    action: 'auth.sign_in',
    targetId: principal.subject === 'admin' ? null : principal.subject,
    after: { role: principal.role, method },
  });
  return {
    sub: principal.subject,
    actor: principal.actor,
    role: principal.role,
    ...(principal.subject === 'admin' ? { kid: adminTokenFingerprint(adminToken().value) } : {}),
  };
}
