import { createHash } from 'node:crypto';

import { safeEqual } from '../ingest/schemes/constant-time';
import type { Db } from '../db/tx';
import { adminToken } from './admin-token';
import type { Principal, Role } from './roles';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Resolves a bearer token to a principal: the admin token, or a stored unrevoked API token. */
export async function principalForToken(db: Db, token: string): Promise<Principal | null> {
  if (safeEqual(token, adminToken().value)) return { actor: 'admin', role: 'admin', via: 'token', subject: 'admin' };
  const result = await db.query<{ id: string; name: string; role: Role }>(
    'SELECT id, name, role FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  const row = result.rows[0];
  return row ? { actor: `token:${row.name}`, role: row.role, via: 'token', subject: row.id } : null;
}
