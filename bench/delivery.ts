// npx tsx bench/delivery.ts: delivery and ingest throughput, printed as one JSON object.
//
// 1. Delivery: N pending deliveries are inserted with SQL into a fresh database, then the real
//    BreakerRegistry and Dispatcher (built as lib/runtime/start.ts builds them) deliver them
//    to a receiver in a child process, recording every attempt. Beside it, raw undici POSTs
//    of the same body to the same receiver, with the same connection count and concurrency.
// 2. Ingest: GitHub-signed events with a fan-out of one, through the built app (`next start`),
//    beside the app's empty benchmark route. The app's dispatcher is off, so the figure is
//    ingest alone.
//
// Environment: PostgreSQL at DATABASE_URL (default the local server); the app must be built
// (`NEXT_TELEMETRY_DISABLED=1 npx next build`). Sizes can be set with BENCH_DELIVERIES,
// BENCH_INGEST_REQUESTS and BENCH_INGEST_SECONDS, and BENCH_ONLY=delivery or ingest runs one
// part.
import os from 'node:os';

import pg from 'pg';
import { Pool } from 'undici';

import { signGithub } from '../lib/ingest/sign';
import { startApp, TEST_ENCRYPTION_KEY } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { combine, round, runLoad, type LoadResult } from './support/load';
import { startSink, type Sink } from './support/sink';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 20_000);
const ENDPOINTS = 4;
// Each endpoint's default maxConcurrent is 16, so the dispatcher runs at most 4 × 16 = 64
// requests at once, over the sender's 64 connections per origin.
const CONCURRENCY = 64;
const CONNECTIONS = 64;
const DELIVERY_TIMEOUT_MS = 120_000;

const INGEST_REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 20_000);
const INGEST_MS = Number(process.env.BENCH_INGEST_SECONDS ?? 10) * 1000;
const INGEST_CONCURRENCY = 64;
const WARMUP_REQUESTS = 1_000;
// Other processes on the machine change its speed over a run. Each side of a comparison is
// therefore measured in parts that alternate with the other side, and the parts are added up.
const INGEST_ROUNDS = 3;
const GITHUB_SECRET = 'bench-github-secret';

// BENCH_ONLY=delivery or BENCH_ONLY=ingest runs one part, and the other is reported as null.
const ONLY = process.env.BENCH_ONLY;

// Project targets: the dispatcher reaches 0.2 of raw undici's rate, and ingest 0.5 of the
// empty route's rate.
const DELIVERY_TARGET = 0.2;
const INGEST_TARGET = 0.5;

/** Builds a GitHub-style push payload of about 500 bytes. */
function eventBody(): Buffer {
  const payload = {
    ref: 'refs/heads/main',
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: '59b20b8d5c6ff8d09518216e2f4ccb7c2d0a2f9e',
    repository: { id: 1296269, full_name: 'octocat/Hello-World', private: false },
    pusher: { name: 'octocat', email: 'octocat@example.com' },
    head_commit: { id: '59b20b8d5c6ff8d09518216e2f4ccb7c2d0a2f9e', message: 'Update README', timestamp: '2026-12-04T20:00:00Z' },
    padding: '',
  };
  const base = Buffer.byteLength(JSON.stringify(payload));
  payload.padding = 'x'.repeat(Math.max(0, 500 - base));
  return Buffer.from(JSON.stringify(payload));
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0].server_version;
  } finally {
    await client.end();
  }
}

/** Measures raw undici POSTs of `body` to the receiver, the ceiling the dispatcher is compared with. */
async function rawUndici(sink: Sink, body: Buffer, requests: number, warmup: boolean): Promise<LoadResult> {
  const pool = new Pool(sink.url, { connections: CONNECTIONS, keepAliveTimeout: 10_000 });
  try {
    const send = async (): Promise<boolean> => {
      const response = await pool.request({ path: '/hook/raw', method: 'POST', body, headers: { 'content-type': 'application/json' } });
      await response.body.text();
      return response.statusCode === 200;
    };
    if (warmup) await runLoad({ concurrency: CONCURRENCY, maxRequests: 1_000, maxMs: 10_000, send });
    return await runLoad({ concurrency: CONCURRENCY, maxRequests: requests, maxMs: 60_000, send });
  } finally {
    await pool.close();
  }
}

async function benchDelivery(sink: Sink, body: Buffer) {
  const database = await createTestDatabase('bench_delivery');
  // The lib modules read these once, on first use, so they are set before the imports below.
  process.env.DATABASE_URL = database.url;
  process.env.SWITCHYARD_ALLOW_PRIVATE_TARGETS = '1';
  process.env.SWITCHYARD_ENCRYPTION_KEY = TEST_ENCRYPTION_KEY;
  process.env.SWITCHYARD_INSTANCE_ID = 'bench-dispatcher';
  process.env.SWITCHYARD_LOG_LEVEL ??= 'warn';

  const { config } = await import('../lib/config/env');
  const { clientConfig, pool } = await import('../lib/db/pool');
  const { newId } = await import('../lib/ids');
  const { createSource } = await import('../lib/sources/service');
  const { createEndpoint } = await import('../lib/endpoints/service');
  const { BreakerRegistry } = await import('../lib/registry/registry');
  const { listen } = await import('../lib/registry/notify');
  const { Dispatcher } = await import('../lib/delivery/dispatcher');
  const { createSender } = await import('../lib/delivery/sender');
  const { advanceReplays } = await import('../lib/delivery/replay');
  const { appClock } = await import('../lib/runtime/clock');
  const cfg = config();

  try {
    const source = await createSource({ name: 'bench', scheme: 'github', secrets: [GITHUB_SECRET] }, 'bench');
    const endpointIds: string[] = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      const created = await createEndpoint(
        { name: `bench-${i}`, url: `${sink.url}/hook/${i}`, tier: 'standard' },
        { actor: 'bench', instanceId: cfg.instanceId, now: Date.now() },
      );
      endpointIds.push(created.endpoint.id);
    }

    const eventId = newId('event');
    await pool().query(`INSERT INTO events (id, source_id, external_id, event_type, body, headers) VALUES ($1, $2, NULL, 'push', $3, $4)`, [
      eventId,
      source.id,
      body,
      JSON.stringify({ 'content-type': 'application/json' }),
    ]);
    const insertStarted = performance.now();
    for (let offset = 0; offset < DELIVERIES; offset += 5_000) {
      const count = Math.min(5_000, DELIVERIES - offset);
      const ids = Array.from({ length: count }, () => newId('delivery'));
      const endpoints = ids.map((_, i) => endpointIds[(offset + i) % ENDPOINTS]);
      await pool().query(
        `INSERT INTO deliveries (id, event_id, endpoint_id, status, next_attempt_at)
         SELECT u.id, $1, u.endpoint_id, 'pending', now() FROM unnest($2::text[], $3::text[]) AS u(id, endpoint_id)`,
        [eventId, ids, endpoints],
      );
    }
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    await pool().query('ANALYZE deliveries');

    // Half of the raw requests run before the dispatcher and half after it.
    const rawBefore = await rawUndici(sink, body, Math.ceil(DELIVERIES / 2), true);

    const stopListening = await listen(
      async () => {
        const client = new pg.Client(clientConfig(cfg.databaseUrl!));
        await client.connect();
        return client;
      },
      () => {},
    );
    const registry = new BreakerRegistry({ instanceId: cfg.instanceId, clock: appClock(), db: pool });
    await registry.start();
    const sender = createSender({ allowPrivateTargets: cfg.allowPrivateTargets });
    const dispatcher = new Dispatcher({
      instanceId: cfg.instanceId,
      registry,
      sender,
      db: pool,
      clock: appClock(),
      pollMs: cfg.pollMs,
      onCycle: advanceReplays,
    });

    const received = await sink.count();
    const started = performance.now();
    dispatcher.start();
    // The receiver's count is read over IPC, which costs the database nothing. Only once every
    // request has arrived does the loop poll for the recorded results.
    const countDelivered = async (): Promise<number> =>
      (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'`)).rows[0].n;
    let delivered = 0;
    while (delivered < DELIVERIES && performance.now() - started < DELIVERY_TIMEOUT_MS) {
      const arrived = (await sink.count()) - received >= DELIVERIES;
      await new Promise((resolve) => setTimeout(resolve, arrived ? 10 : 50));
      if (arrived) delivered = await countDelivered();
    }
    if (delivered < DELIVERIES) delivered = await countDelivered();
    const seconds = (performance.now() - started) / 1000;
    await dispatcher.stop();
    registry.stop();
    await sender.close();
    await stopListening();

    const requestsReceived = (await sink.count()) - received;
    const rawAfter = await rawUndici(sink, body, Math.floor(DELIVERIES / 2), false);
    const raw = combine([rawBefore, rawAfter]);

    const attempts = await pool().query<{ n: number }>('SELECT count(*)::int AS n FROM attempts');
    const dispatcherRate = Math.round(delivered / seconds);
    return {
      deliveries: DELIVERIES,
      endpoints: ENDPOINTS,
      bodyBytes: body.length,
      concurrency: CONCURRENCY,
      connections: CONNECTIONS,
      pollMs: cfg.pollMs,
      insertSeconds: round(insertSeconds, 3),
      dispatcher: {
        delivered,
        attemptsRecorded: attempts.rows[0].n,
        requestsReceived,
        complete: delivered === DELIVERIES && attempts.rows[0].n === DELIVERIES,
        seconds: round(seconds, 3),
        perSecond: dispatcherRate,
      },
      rawUndici: raw,
      ratio: round(dispatcherRate / raw.perSecond, 3),
      target: DELIVERY_TARGET,
    };
  } finally {
    await pool().end();
    await database.drop();
  }
}

async function benchIngest(sink: Sink, body: Buffer) {
  const database = await createTestDatabase('bench_ingest');
  try {
    return await measureIngest(sink, body, database.url);
  } finally {
    // Dropped even when the app fails to start, so failed runs leave no database behind.
    await database.drop();
  }
}

async function measureIngest(sink: Sink, body: Buffer, databaseUrl: string) {
  const app = await startApp({
    databaseUrl,
    instanceId: 'bench-ingest',
    env: { SWITCHYARD_BENCH_ROUTES: '1', SWITCHYARD_DISPATCHER: 'off', SWITCHYARD_LOG_LEVEL: 'warn' },
  });
  const client = new Pool(app.url, { connections: INGEST_CONCURRENCY, keepAliveTimeout: 10_000 });
  try {
    const source = await app.api('POST', '/api/v1/sources', {
      name: 'bench',
      scheme: 'github',
      secrets: [GITHUB_SECRET],
      rateLimit: { perSecond: 100_000, burst: 1_000_000 },
    });
    if (source.status !== 201) throw new Error(`creating the benchmark source failed: ${JSON.stringify(source.body)}`);
    const endpoint = await app.api('POST', '/api/v1/endpoints', { name: 'bench', url: `${sink.url}/hook/ingest` });
    if (endpoint.status !== 201) throw new Error(`creating the benchmark endpoint failed: ${JSON.stringify(endpoint.body)}`);
    const subscription = await app.api('POST', '/api/v1/subscriptions', { sourceId: source.body.id, endpointId: endpoint.body.id });
    if (subscription.status !== 201) throw new Error(`creating the benchmark subscription failed: ${JSON.stringify(subscription.body)}`);

    const signature = signGithub(body, GITHUB_SECRET);
    let sequence = 0;
    const post = (path: string) => async (): Promise<boolean> => {
      const response = await client.request({
        path,
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': `bench-${++sequence}`,
          'x-hub-signature-256': signature,
        },
      });
      await response.body.text();
      return response.statusCode === 202;
    };
    const sendEmpty = post('/api/bench/empty');
    const sendIngest = post('/api/v1/ingest/bench');

    await runLoad({ concurrency: INGEST_CONCURRENCY, maxRequests: WARMUP_REQUESTS, maxMs: 10_000, send: sendEmpty });
    await runLoad({ concurrency: INGEST_CONCURRENCY, maxRequests: WARMUP_REQUESTS, maxMs: 10_000, send: sendIngest });
    const emptyParts: LoadResult[] = [];
    const ingestParts: LoadResult[] = [];
    const part = { concurrency: INGEST_CONCURRENCY, maxRequests: Math.ceil(INGEST_REQUESTS / INGEST_ROUNDS), maxMs: INGEST_MS / INGEST_ROUNDS };
    for (let i = 0; i < INGEST_ROUNDS; i++) {
      emptyParts.push(await runLoad({ ...part, send: sendEmpty }));
      ingestParts.push(await runLoad({ ...part, send: sendIngest }));
    }
    const empty = combine(emptyParts);
    const ingest = combine(ingestParts);

    const stored = new pg.Client({ connectionString: databaseUrl });
    await stored.connect();
    const counts = await stored.query<{ events: number; deliveries: number }>(
      'SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM deliveries) AS deliveries',
    );
    await stored.end();

    return {
      concurrency: INGEST_CONCURRENCY,
      bodyBytes: body.length,
      dispatcher: 'off',
      // Both routes get this many requests first, and the warm-up events count in eventsStored.
      warmupRequests: WARMUP_REQUESTS,
      emptyRoute: empty,
      ingest: { ...ingest, eventsStored: counts.rows[0].events, deliveriesStored: counts.rows[0].deliveries },
      ratio: round(ingest.perSecond / empty.perSecond, 3),
      target: INGEST_TARGET,
    };
  } finally {
    await client.close();
    await app.stop();
  }
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  const body = eventBody();
  const sink = await startSink();
  try {
    const postgres = await postgresVersion(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
    const delivery = ONLY === 'ingest' ? null : await benchDelivery(sink, body);
    const ingest = ONLY === 'delivery' ? null : await benchIngest(sink, body);
    const result = {
      benchmark: 'delivery',
      // Other work on the machine skews the figures, so the load average at the start is kept.
      machine: { cpus: os.cpus().length, node: process.version, postgres, loadAverage1m: round(loadAtStart, 2) },
      delivery,
      ingest,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    sink.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench/delivery.ts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
