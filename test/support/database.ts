import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { applyMigrations, migrationsDir } from '../../lib/db/migrate';

export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export type TestDatabase = { name: string; url: string; drop: () => Promise<void> };

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates a fresh, migrated database for one test file on the local PostgreSQL server. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `sy_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();

  const url = withDatabase(ADMIN_URL, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await applyMigrations(client, migrationsDir());
  await client.end();

  return {
    name,
    url,
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
