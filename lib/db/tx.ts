import type pg from 'pg';

import { pool } from './pool';

export type Db = pg.Pool | pg.ClientBase;

/** Runs `work` inside one transaction on one pooled connection; rolls back on any throw. */
export async function withTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
