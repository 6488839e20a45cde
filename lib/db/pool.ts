import pg from 'pg';

import { config } from '../config/env';
import { assertDatabaseTransport } from './tls';

// BIGINT (int8) as JavaScript number: sequence numbers here stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

/** True when the app runs on the embedded PGlite server, which has a single session. */
export function isEmbedded(): boolean {
  return process.env.SWITCHYARD_EMBEDDED === '1';
}

/** Connection settings for a URL, after the transport check. */
export function clientConfig(url: string): pg.ClientConfig {
  assertDatabaseTransport(url, config().allowPlaintextDb);
  const parsed = new URL(url);
  const sslmode = parsed.searchParams.get('sslmode');
  // node-postgres treats sslmode=require as verify-full, but libpq defines it as "encrypt, do
  // not verify", which is what a server with a self-signed certificate needs.
  const ssl = sslmode === 'require' ? { rejectUnauthorized: false } : undefined;
  if (ssl) parsed.searchParams.delete('sslmode');
  return { connectionString: parsed.toString(), ssl, connectionTimeoutMillis: 5_000 };
}

export function createPool(url: string, max: number, options?: string): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(url), max, ...(options ? { options } : {}) });
  // An idle client that loses its server (a database restart) emits here; without a listener
  // the process would crash. The next query reconnects.
  pool.on('error', () => {});
  return pool;
}

type PoolHolder = { __switchyardPool?: pg.Pool; __switchyardAsyncCommitPool?: pg.Pool };

/** Returns the process-wide pool, kept on globalThis because Next.js may load this module twice. */
export function pool(): pg.Pool {
  const holder = globalThis as PoolHolder;
  if (!holder.__switchyardPool) {
    const url = config().databaseUrl;
    if (!url) throw new Error('DATABASE_URL is not set; start the app with `npm start`, which provides one.');
    holder.__switchyardPool = createPool(url, isEmbedded() ? 1 : 10);
  }
  return holder.__switchyardPool;
}

/**
 * Returns a small pool whose sessions commit without waiting for the WAL flush, for state
 * that may lose its last moments in a database crash: the ingress token buckets. Every
 * request of a source takes the same bucket row, and a waiting flush would hold that row's
 * lock, so requests would queue one flush at a time. The embedded database has a single
 * session, so there this is the main pool.
 */
export function asyncCommitPool(): pg.Pool {
  if (isEmbedded()) return pool();
  const holder = globalThis as PoolHolder;
  if (!holder.__switchyardAsyncCommitPool) {
    const url = config().databaseUrl;
    if (!url) throw new Error('DATABASE_URL is not set; start the app with `npm start`, which provides one.');
    holder.__switchyardAsyncCommitPool = createPool(url, 4, '-c synchronous_commit=off');
  }
  return holder.__switchyardAsyncCommitPool;
}
