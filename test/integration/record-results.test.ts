// Storing attempt results against the real PostgreSQL: a bad row must not keep the rest of its
// batch from being stored, and writing a batch twice must change nothing.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { newId } from '../../lib/ids';
import type { AttemptResult } from '../../lib/delivery/record';
import { createTestDatabase, type TestDatabase } from '../support/database';

const INSTANCE = 'record-test';

let db: TestDatabase;
let pool: pg.Pool;
let endpointId: string;
let eventId: string;
let recordResults: typeof import('../../lib/delivery/record').recordResults;

beforeAll(async () => {
  db = await createTestDatabase('record_results');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  ({ recordResults } = await import('../../lib/delivery/record'));
  const sourceId = newId('source');
  endpointId = newId('endpoint');
  eventId = newId('event');
  await pool.query(`INSERT INTO sources (id, name, scheme, secrets, rate_per_second, rate_burst, max_body_bytes) VALUES ($1, 'src', 'github', 'x', 10, 10, 1000)`, [sourceId]);
  await pool.query(`INSERT INTO endpoints (id, name, url, signing_secret, breaker_config, retry_config) VALUES ($1, 'ep', 'http://127.0.0.1:9/hook', 'x', '{}', '{}')`, [endpointId]);
  await pool.query(`INSERT INTO events (id, source_id, body, headers) VALUES ($1, $2, '\\x7b7d', '{}')`, [eventId, sourceId]);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Inserts `count` deliveries claimed by this instance and returns a success result for each. */
async function claimedResults(count: number): Promise<AttemptResult[]> {
  const ids = Array.from({ length: count }, () => newId('delivery'));
  await pool.query(
    `INSERT INTO deliveries (id, event_id, endpoint_id, status, lease_until, leased_by)
     SELECT id, $2, $3, 'in_flight', now() + interval '1 minute', $4 FROM unnest($1::text[]) AS id`,
    [ids, eventId, endpointId, INSTANCE],
  );
  const now = Date.now();
  return ids.map((id) => ({
    attempt: {
      id: newId('attempt'),
      deliveryId: id,
      endpointId,
      number: 1,
      status: 200,
      outcome: 'success',
      probe: false,
      replay: false,
      route: 'primary',
      durationMs: 4,
      error: null,
      responseExcerpt: 'ok',
      startedAt: now,
    },
    update: { id, status: 'delivered', attempts: 1, nextAttemptAt: now, lastError: null, deadReason: null, route: 'primary', finishedAt: now },
  }));
}

async function statusOf(ids: string[]): Promise<Record<string, string>> {
  const rows = await pool.query<{ id: string; status: string }>('SELECT id, status FROM deliveries WHERE id = ANY($1)', [ids]);
  return Object.fromEntries(rows.rows.map((r) => [r.id, r.status]));
}

async function attemptCount(ids: string[]): Promise<number> {
  const rows = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts WHERE delivery_id = ANY($1)', [ids]);
  return rows.rows[0].n;
}

describe('recordResults', () => {
  it('stores the rest around a bad row', async () => {
    const results = await claimedResults(5);
    // 2^31 does not fit the attempts.number column (int), a data error no retry can fix.
    results[2] = { ...results[2], attempt: { ...results[2].attempt, number: 2 ** 31 } };
    const ids = results.map((r) => r.update.id);

    const { rejected } = await recordResults(pool, INSTANCE, results);

    expect(rejected.map((r) => r.result.update.id)).toEqual([ids[2]]);
    expect((rejected[0].error as { code?: string }).code).toBe('22003');
    const statuses = await statusOf(ids);
    expect(statuses[ids[2]]).toBe('in_flight');
    expect(ids.filter((id) => statuses[id] === 'delivered')).toHaveLength(4);
    expect(await attemptCount(ids)).toBe(4);
  });

  it('stores a row without its free text when only that text is bad', async () => {
    const results = await claimedResults(3);
    results[1] = { ...results[1], attempt: { ...results[1].attempt, responseExcerpt: 'bad\u0000text' } };
    const ids = results.map((r) => r.update.id);

    const { rejected } = await recordResults(pool, INSTANCE, results);

    expect(rejected).toEqual([]);
    expect(Object.values(await statusOf(ids))).toEqual(['delivered', 'delivered', 'delivered']);
    const excerpt = await pool.query<{ response_excerpt: string | null }>('SELECT response_excerpt FROM attempts WHERE delivery_id = $1', [ids[1]]);
    expect(excerpt.rows[0].response_excerpt).toBeNull();
  });

  it('changes nothing when a batch is written twice', async () => {
    const results = await claimedResults(4);
    const ids = results.map((r) => r.update.id);

    await recordResults(pool, INSTANCE, results);
    const { rejected } = await recordResults(pool, INSTANCE, results);

    expect(rejected).toEqual([]);
    expect(await attemptCount(ids)).toBe(4);
    expect(Object.values(await statusOf(ids))).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });
});
