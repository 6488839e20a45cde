// Database connection for the command-line scripts: DATABASE_URL, with the app's TLS rules.
import pg from 'pg';

import { clientConfig } from '../lib/db/pool';

/** Connects one client to DATABASE_URL; fails with a message naming the variable when unset. */
export async function connectScriptClient(): Promise<pg.Client> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: point it at the PostgreSQL database of the Switchyard deployment.');
  }
  const client = new pg.Client(clientConfig(url));
  await client.connect();
  return client;
}

/** Runs a script's main function and exits 1 with the error's message when it throws. */
export function runScript(main: () => Promise<void>): void {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
