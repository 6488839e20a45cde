import { z } from 'zod';

import { appendAudit } from '../audit/append';
import { AppError, notFound } from '../api/errors';
import { ROLES, type Role } from '../auth/roles';
import { hashToken } from '../auth/tokens';
import { randomToken } from '../config/data-dir';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';

export const CreateTokenSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(100),
    role: z.enum(ROLES),
  })
  .strict();

export type CreateTokenInput = z.infer<typeof CreateTokenSchema>;

export type TokenView = { id: string; name: string; role: Role; createdAt: string; revokedAt: string | null };

type TokenRow = { id: string; name: string; role: Role; created_at: Date; revoked_at: Date | null };

function present(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/**
 * Creates an API token and returns it once as `sy_` plus 32 random bytes (base64url); only its
 * SHA-256 is stored. The name must be unique among active tokens, because audit entries name
 * the token's actor as `token:<name>`.
 */
export async function createApiToken(input: CreateTokenInput, actor: string): Promise<TokenView & { token: string }> {
  const token = `sy_${randomToken(32)}`;
  const id = newId('token');
  return withTransaction(async (db) => {
    // Serialises creations so two requests cannot both pass the name check.
    await db.query('LOCK TABLE api_tokens IN SHARE ROW EXCLUSIVE MODE');
    const taken = await db.query('SELECT 1 FROM api_tokens WHERE name = $1 AND revoked_at IS NULL', [input.name]);
    if (taken.rowCount) throw new AppError('conflict', `An active token named ${input.name} already exists.`, { field: 'name' });
    const result = await db.query<TokenRow>(
      `INSERT INTO api_tokens (id, name, role, token_hash) VALUES ($1, $2, $3, $4)
       RETURNING id, name, role, created_at, revoked_at`,
      [id, input.name, input.role, hashToken(token)],
    );
    await appendAudit(db, { actor, action: 'token.create', targetId: id, after: { name: input.name, role: input.role } });
    return { ...present(result.rows[0]), token };
  });
}

export async function listApiTokens(db: Db): Promise<TokenView[]> {
  const result = await db.query<TokenRow>('SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at, id');
  return result.rows.map(present);
}

/**
 * Revokes a token: requests and console sessions that use it fail from then on. Revoking a
 * revoked token changes nothing and returns it with its first revocation time.
 */
export async function revokeApiToken(id: string, actor: string): Promise<TokenView> {
  return withTransaction(async (db) => {
    const current = await db.query<TokenRow>('SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE id = $1 FOR UPDATE', [id]);
    const row = current.rows[0];
    if (!row) throw notFound('token', id);
    if (row.revoked_at) return present(row);
    const updated = await db.query<TokenRow>(
      'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 RETURNING id, name, role, created_at, revoked_at',
      [id],
    );
    await appendAudit(db, { actor, action: 'token.revoke', targetId: id, before: { revoked: false }, after: { name: row.name, revoked: true } });
    return present(updated.rows[0]);
  });
}
