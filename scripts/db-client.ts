// Database connection for the command-line scripts: DATABASE_URL, with the app's TLS rules.
import type pg from 'pg';

import { createPool } from '../lib/db/pool';

export type ScriptClient = { client: pg.PoolClient; close: () => Promise<void> };

/** Connects one client to DATABASE_URL; fails with a message naming the variable when unset. */
export async function connectScriptClient(): Promise<ScriptClient> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: point it at the PostgreSQL database of the Switchyard deployment.');
  }
  const pool = createPool(url, 1);
  const client = await pool.connect();
  return {
    client,
    close: async () => {
      client.release();
      await pool.end();
    },
  };
}

/** Runs a script's main function and exits 1 with the error's message when it throws. */
export function runScript(main: () => Promise<void>): void {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
