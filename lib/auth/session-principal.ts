import type { Db } from '../db/tx';
import { adminToken } from './admin-token';
import { isRole, type Principal } from './roles';
import { adminTokenFingerprint, type SessionClaims } from './session';

/**
 * Resolves a session cookie's claims to the caller as the database has it now. A disabled
 * user, a revoked API token or a rotated admin token ends its sessions at once, and a role
 * change applies from the next request.
 */
export async function principalForSession(db: Db, claims: SessionClaims): Promise<Principal | null> {
  if (claims.sub === 'admin') {
    if (claims.kid !== adminTokenFingerprint(adminToken().value)) return null;
    return { actor: 'admin', role: 'admin', via: 'session', subject: 'admin' };
  }
  if (claims.sub.startsWith('usr_')) {
    const result = await db.query<{ email: string; role: string }>(
      'SELECT email, role FROM users WHERE id = $1 AND disabled_at IS NULL',
      [claims.sub],
    );
    const row = result.rows[0];
    if (!row || !isRole(row.role)) return null;
    return { actor: `user:${row.email}`, role: row.role, via: 'session', subject: claims.sub };
  }
  if (claims.sub.startsWith('tok_')) {
    const result = await db.query<{ name: string; role: string }>(
      'SELECT name, role FROM api_tokens WHERE id = $1 AND revoked_at IS NULL',
      [claims.sub],
    );
    const row = result.rows[0];
    if (!row || !isRole(row.role)) return null;
    return { actor: `token:${row.name}`, role: row.role, via: 'session', subject: claims.sub };
  }
  return null;
}
