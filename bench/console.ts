// Overview API at 10 000 endpoints: latency of GET /api/v1/endpoints (first page, a state
// filter and a name search) through the real built app on a fresh database. Prints one JSON
// object. Target: p95 at most 50 ms on this machine.
// Run: npx tsx bench/console.ts (needs the local PostgreSQL and a built app: npm run build).
import pg from 'pg';

import { newId } from '../lib/ids';
import { encryptSecret, parseKey } from '../lib/crypto/secrets';
import { startApp, TEST_ENCRYPTION_KEY } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';

const ENDPOINTS = 10_000;
const REQUESTS = 200;
const HISTOGRAM_BINS = 116;

async function seed(url: string): Promise<void> {
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  const ids = Array.from({ length: ENDPOINTS }, () => newId('endpoint'));
  const states = ids.map((_, i) => {
    if (i % 50 === 0) return 'open';
    if (i % 97 === 0) return 'half_open';
    return 'closed';
  });
  // One real ciphertext under the test key for all rows: the app checks the key at start.
  const secret = encryptSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', parseKey(TEST_ENCRYPTION_KEY));
  await sql.query(
    `INSERT INTO endpoints (id, name, url, tier, signing_secret, breaker_config, retry_config)
     SELECT u.id, 'endpoint-' || u.n, 'https://receiver.example/' || u.n, CASE WHEN u.n % 10 = 0 THEN 'critical' ELSE 'standard' END,
            $2, '{}', '{}'
       FROM unnest($1::text[]) WITH ORDINALITY AS u(id, n)`,
    [ids, secret],
  );
  await sql.query(
    `INSERT INTO breaker_states (endpoint_id, state, version, since, reason)
     SELECT u.id, u.state, 1, now() - interval '5 minutes', 'failure_rate' FROM unnest($1::text[], $2::text[]) AS u(id, state)`,
    [ids, states],
  );
  // Six live buckets per endpoint, as a busy fleet would have.
  const histogram = `{${Array.from({ length: HISTOGRAM_BINS }, (_, i) => (i === 40 ? 20 : 0)).join(',')}}`;
  await sql.query(
    `INSERT INTO breaker_buckets (endpoint_id, instance_id, version, bucket_start, calls, failures, slow, histogram)
     SELECT u.id, 'bench', 1, date_trunc('second', now()) - (b * interval '10 seconds'), 20, (b % 3), 0, $2::int[]
       FROM unnest($1::text[]) AS u(id), generate_series(0, 5) AS b`,
    [ids, histogram],
  );
  await sql.query('ANALYZE');
  await sql.end();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function measure(app: Awaited<ReturnType<typeof startApp>>, route: string): Promise<Record<string, number>> {
  for (let i = 0; i < 20; i++) await app.api('GET', route);
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const reply = await app.api('GET', route);
    times.push(performance.now() - started);
    if (reply.status !== 200) throw new Error(`${route} returned HTTP ${reply.status}; expected 200`);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: +percentile(times, 0.5).toFixed(1), p95Ms: +percentile(times, 0.95).toFixed(1), maxMs: +times.at(-1)!.toFixed(1) };
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_console');
  try {
    await seed(db.url);
    const app = await startApp({ databaseUrl: db.url, env: { SWITCHYARD_DISPATCHER: 'off', SWITCHYARD_LOG_LEVEL: 'error' } });
    try {
      const results = {
        firstPage: await measure(app, '/api/v1/endpoints?limit=100'),
        openOnly: await measure(app, '/api/v1/endpoints?state=open&limit=100'),
        nameSearch: await measure(app, '/api/v1/endpoints?q=endpoint-99&limit=100'),
      };
      const worstP95 = Math.max(...Object.values(results).map((r) => r.p95Ms));
      process.stdout.write(
        `${JSON.stringify({ bench: 'console', endpoints: ENDPOINTS, requests: REQUESTS, pageSize: 100, results, targetP95Ms: 50, targetMet: worstP95 <= 50 })}\n`,
      );
    } finally {
      await app.stop();
    }
  } finally {
    await db.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
