// TLS to the local PostgreSQL through the app's own connection settings (lib/db/pool.ts).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import type pg from 'pg';

import { createPool } from '../../../lib/db/pool';
import { ADMIN_URL } from '../../support/database';
import { ensureServerTls } from '../../support/postgres-tls';

function withSslMode(url: string, mode: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('sslmode', mode);
  return parsed.toString();
}

describe('database transport', () => {
  let pool: pg.Pool | undefined;

  beforeAll(async () => {
    await ensureServerTls(ADMIN_URL);
  });

  afterEach(async () => {
    await pool?.end();
    pool = undefined;
  });

  it('encrypts the connection with sslmode=require', async () => {
    pool = createPool(withSslMode(ADMIN_URL, 'require'), 1);
    const result = await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(result.rows).toEqual([{ ssl: true }]);
  });

  it('reports plaintext with sslmode=disable', async () => {
    pool = createPool(withSslMode(ADMIN_URL, 'disable'), 1);
    const result = await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(result.rows).toEqual([{ ssl: false }]);
  });
});
