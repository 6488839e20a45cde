import { appendAudit } from '../audit/append';
import { AppError, notFound } from '../api/errors';
import { hashPassword } from '../auth/passwords';
import type { Principal, Role } from '../auth/roles';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import type { CreateUserInput, PatchUserInput } from './schema';

export type UserView = {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  disabledAt: string | null;
};

type UserRow = { id: string; email: string; role: Role; created_at: Date; updated_at: Date; disabled_at: Date | null };

const USER_COLUMNS = 'id, email, role, created_at, updated_at, disabled_at';

function present(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    disabledAt: row.disabled_at?.toISOString() ?? null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === '23505';
}

/** Creates a user with a hashed password and audits it; a taken email is a 409. */
export async function createUser(input: CreateUserInput, actor: string): Promise<UserView> {
  // Hashing takes a few hundred ms, so it runs before the transaction opens.
  const passwordHash = await hashPassword(input.password);
  const id = newId('user');
  try {
    return await withTransaction(async (db) => {
      const result = await db.query<UserRow>(
        `INSERT INTO users (id, email, password_hash, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING ${USER_COLUMNS}`,
        [id, input.email, passwordHash, input.role],
      );
      if (!result.rows[0]) throw new AppError('conflict', `A user with email ${input.email} already exists.`, { field: 'email' });
      await appendAudit(db, { actor, action: 'user.create', targetId: id, after: { email: input.email, role: input.role } });
      return present(result.rows[0]);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('conflict', `A user with email ${input.email} already exists.`, { field: 'email' });
    throw error;
  }
}

export async function listUsers(db: Db): Promise<UserView[]> {
  const result = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, id`);
  return result.rows.map(present);
}

/**
 * Changes a user's role or disables or re-enables the user, audited with before and after.
 * Admins cannot lower their own role or disable themselves, so the last admin account cannot
 * lock itself out by mistake. A request that changes nothing writes no audit entry.
 */
export async function updateUser(id: string, input: PatchUserInput, by: Principal): Promise<UserView> {
  return withTransaction(async (db) => {
    const current = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
    const row = current.rows[0];
    if (!row) throw notFound('user', id);

    const role = input.role ?? row.role;
    const disabled = input.disabled ?? row.disabled_at !== null;
    if (by.subject === id && (disabled || role !== 'admin')) {
      throw new AppError('forbidden', 'You cannot disable your own account or lower your own role; ask another admin.', {
        field: input.disabled ? 'disabled' : 'role',
      });
    }
    if (role === row.role && disabled === (row.disabled_at !== null)) return present(row);

    const updated = await db.query<UserRow>(
      `UPDATE users
          SET role = $2,
              disabled_at = CASE WHEN $3::boolean THEN COALESCE(disabled_at, now()) ELSE NULL END,
              updated_at = now()
        WHERE id = $1
        RETURNING ${USER_COLUMNS}`,
      [id, role, disabled],
    );
    await appendAudit(db, {
      actor: by.actor,
      action: 'user.update',
      targetId: id,
      before: { role: row.role, disabled: row.disabled_at !== null },
      after: { role, disabled },
    });
    return present(updated.rows[0]);
  });
}
