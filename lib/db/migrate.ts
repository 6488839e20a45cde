import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import type pg from 'pg';

// The lock id Prisma Migrate itself takes, so this runner and `prisma migrate deploy` never
// run at the same time on one database.
const MIGRATE_LOCK_ID = 72707369;

const BOOKKEEPING_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationResult = { applied: string[]; skipped: string[] };

export class MigrationError extends Error {
  constructor(name: string, reason: string) {
    super(`Migration ${name} failed: ${reason}`);
    this.name = 'MigrationError';
  }
}

/**
 * Applies every migration folder under `dir` that the database has not finished, in name
 * order, each in its own transaction, keeping Prisma's `_prisma_migrations` records. A migration
 * whose file changed after it was applied is reported, not re-run.
 */
export async function applyMigrations(client: pg.ClientBase, dir: string): Promise<MigrationResult> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  await client.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK_ID]);
  try {
    await client.query(BOOKKEEPING_TABLE);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations"
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const finished = new Map(done.rows.map((row) => [row.migration_name, row.checksum]));
    const result: MigrationResult = { applied: [], skipped: [] };

    for (const name of names) {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = finished.get(name);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new MigrationError(name, 'the file changed after it was applied; add a new migration instead');
        }
        result.skipped.push(name);
        continue;
      }
      const id = randomUUID();
      try {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [id, checksum, name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(name, error instanceof Error ? error.message : String(error));
      }
      result.applied.push(name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK_ID]);
  }
}

export function migrationsDir(): string {
  return path.join(process.cwd(), 'prisma', 'migrations');
}
