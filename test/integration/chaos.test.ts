import pg from 'pg';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyMigrations, migrationsDir } from '../../lib/db/migrate';
import { signGithub } from '../../lib/ingest/sign';
import { type AppInstance, startApp } from '../support/app';
import { createPgCluster, type PgCluster } from '../support/pg-cluster';
import { type Receiver, startReceiver } from '../support/receiver';
import { setupGateway, waitFor } from '../support/scenario';

// Three instances take 20 000 events fanned out to two endpoints with scripted failures. One
// instance is killed with SIGKILL and restarted, and PostgreSQL restarts once. That server is a
// cluster of this test's own, so the shared server stays up. Nothing accepted may be lost.
const EVENTS = 20_000;
const SECRET = 'integration-test-secret';

let cluster: PgCluster;
let db: { url: string };
let sql: pg.Client;
let steady: Receiver;
let flaky: Receiver;
let apps: AppInstance[] = [];
let flakyFailing = false;

function restartPostgres(): void {
  cluster.restart();
}

async function query<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
  // The restart drops this client's connection too: reconnect once on failure.
  try {
    return await sql.query<T>(text, params);
  } catch {
    sql = new pg.Client({ connectionString: db.url });
    sql.on('error', () => {});
    await sql.connect();
    return sql.query<T>(text, params);
  }
}

beforeAll(async () => {
  cluster = await createPgCluster(`sychaos${process.pid}`);
  db = { url: cluster.url };
  const migrate = new pg.Client({ connectionString: db.url });
  await migrate.connect();
  await applyMigrations(migrate, migrationsDir());
  await migrate.end();
  sql = new pg.Client({ connectionString: db.url });
  // The restart ends this connection; `query` reconnects, so the error event is expected.
  sql.on('error', () => {});
  await sql.connect();
  // Two percent random failures on one receiver; the other fails entirely while flagged.
  steady = await startReceiver(() => (Math.random() < 0.02 ? { status: 500 } : { status: 200 }));
  flaky = await startReceiver(() => (flakyFailing ? { status: 503 } : { status: 200, delayMs: 5 }));
  apps = await Promise.all(['one', 'two', 'three'].map((name) => startApp({ databaseUrl: db.url, instanceId: name })));
}, 180_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop('SIGKILL')));
  await steady?.close();
  await flaky?.close();
  await sql?.end().catch(() => {});
  cluster?.drop();
});

describe('chaos', () => {
  it('delivers or dead-letters every accepted delivery through SIGKILL and a database restart', async () => {
    const breaker = { minVolume: 20, windowSeconds: 10, bucketSeconds: 1, resetTimeoutMs: 1000, resetJitter: 0, successThreshold: 2, probeIntervalMs: 100, requestTimeoutMs: 2000, maxConcurrent: 32 };
    const retry = { maxAttempts: 30, baseDelayMs: 100, maxDelayMs: 1000 };
    const a = await setupGateway(apps[0], { url: steady.url, breaker, retry, name: 'steady' });
    const flakyEndpoint = await apps[0].api('POST', '/api/v1/endpoints', { name: 'flaky', url: flaky.url, breaker, retry });
    await apps[0].api('POST', '/api/v1/subscriptions', { sourceId: a.sourceId, endpointId: flakyEndpoint.body.id });

    const agent = new Agent({ connections: 32 });
    const accepted: string[] = [];
    let rejected = 0;
    let next = 0;
    // Like a real producer, each event is retried with the same delivery id until the gateway
    // acknowledges it: 202 for a new event, 200 with the first event id for a repeat. A request
    // that failed after its event was stored is thus acknowledged on a retry.
    const producer = async (): Promise<void> => {
      while (next < EVENTS) {
        const n = next++;
        const body = JSON.stringify({ n });
        for (let attempt = 0; attempt < 60; attempt++) {
          const app = apps[(n + attempt) % 3];
          try {
            const response = await request(`${app.url}/api/v1/ingest/${a.sourceName}`, {
              method: 'POST',
              dispatcher: agent,
              headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': `chaos-${n}`, 'x-hub-signature-256': signGithub(body, SECRET) },
              body,
            });
            const reply = (await response.body.json()) as { eventId?: string };
            if (response.statusCode === 202 || response.statusCode === 200) {
              accepted.push(reply.eventId!);
              break;
            }
            rejected++;
          } catch {
            // A killed instance or a database restart: the producer gets an error, not a 202.
            rejected++;
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    };

    const producing = Promise.all(Array.from({ length: 24 }, producer));

    // Scripted trouble while events flow in.
    await waitFor(async () => accepted.length > 3_000, 60_000, '3 000 accepted');
    flakyFailing = true;
    await waitFor(async () => accepted.length > 6_000, 60_000, '6 000 accepted');
    apps[1].process.kill('SIGKILL');
    await apps[1].stop();
    await waitFor(async () => accepted.length > 9_000, 60_000, '9 000 accepted');
    flakyFailing = false;
    restartPostgres();
    await waitFor(async () => accepted.length > 12_000, 90_000, '12 000 accepted after restart');
    apps[1] = await startApp({ databaseUrl: db.url, instanceId: 'two-restarted' });
    await producing;
    await agent.close();

    expect(new Set(accepted).size).toBe(EVENTS);

    // Every accepted event has its two deliveries, and each ends delivered or dead.
    await waitFor(
      async () => (await query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status NOT IN ('delivered', 'dead')")).rows[0].n === 0,
      240_000,
      'all deliveries settled',
    );
    const stored = await query<{ events: number; deliveries: number }>(
      'SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM deliveries) AS deliveries',
    );
    expect(stored.rows[0].events).toBe(new Set(accepted).size);
    expect(stored.rows[0].deliveries).toBe(stored.rows[0].events * 2);
    const missing = await query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE id <> ALL($1::text[])', [accepted]);
    expect(missing.rows[0].n).toBe(0);

    // Duplicates at the receivers only ever repeat a webhook-id of a delivery of that endpoint.
    const deliveryIds = new Set((await query<{ id: string }>('SELECT id FROM deliveries')).rows.map((r) => r.id));
    for (const log of [steady.log, flaky.log]) {
      for (const r of log) expect(deliveryIds.has(r.headers['webhook-id'] as string)).toBe(true);
    }
    const delivered = (await query<{ id: string }>("SELECT id FROM deliveries WHERE status = 'delivered'")).rows.map((r) => r.id);
    const receivedOk = new Set([...steady.log, ...flaky.log].filter((r) => r.status === 200).map((r) => r.headers['webhook-id'] as string));
    const deliveredWithoutRequest = delivered.filter((id) => !receivedOk.has(id));
    expect(deliveredWithoutRequest).toEqual([]);

    // The attempts table agrees with the receivers: every recorded attempt reached a receiver,
    // and only requests in flight on the killed instance (at most its 256 slots) lack a row.
    const attempts = (await query<{ n: number }>("SELECT count(*)::int AS n FROM attempts WHERE outcome <> 'refused_target'")).rows[0].n;
    const requests = steady.log.length + flaky.log.length;
    expect(attempts).toBeLessThanOrEqual(requests);
    expect(requests - attempts).toBeLessThanOrEqual(256);

    const transitions = await query<{ n: number }>("SELECT count(*)::int AS n FROM transitions WHERE to_state = 'open'");
    expect(transitions.rows[0].n).toBeGreaterThan(0);

    const settled = await query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM deliveries GROUP BY status');
    const ids = [...steady.log, ...flaky.log].map((r) => r.headers['webhook-id'] as string);
    process.stdout.write(
      `chaos summary ${JSON.stringify({
        accepted: accepted.length,
        rejected,
        deliveries: Object.fromEntries(settled.rows.map((r) => [r.status, r.n])),
        receiverRequests: requests,
        attemptRows: attempts,
        repeatedWebhookIds: ids.length - new Set(ids).size,
        trips: transitions.rows[0].n,
      })}\n`,
    );
  }, 600_000);
});
