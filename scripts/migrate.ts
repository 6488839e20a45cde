// npm run migrate: applies prisma/migrations to DATABASE_URL with the project's runner.
import pg from 'pg';

import { applyMigrations, migrationsDir } from '../lib/db/migrate';
import { clientConfig } from '../lib/db/pool';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set.');
  const client = new pg.Client(clientConfig(url));
  await client.connect();
  try {
    const result = await applyMigrations(client, migrationsDir());
    process.stdout.write(`applied: ${result.applied.join(', ') || 'none'}; already applied: ${result.skipped.length}\n`);
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
