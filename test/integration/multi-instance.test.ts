import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

// Three instances share one database and one receiver. The receiver fails during a scripted
// period; each instance runs its own dispatcher and registry.
const BREAKER = {
  windowSeconds: 10,
  bucketSeconds: 1,
  minVolume: 6,
  failureRateThreshold: 0.5,
  resetTimeoutMs: 1500,
  resetJitter: 0,
  halfOpenMaxConcurrent: 1,
  successThreshold: 3,
  probeIntervalMs: 150,
  requestTimeoutMs: 3000,
  rampUpMs: 500,
};

let db: TestDatabase;
let sql: pg.Client;
let receiver: Receiver;
let apps: AppInstance[] = [];
let gateway: Gateway;
let failing = true;

type Row = { from_state: string; to_state: string; reason: string; at: Date; version: number; instance_id: string };

async function transitions(): Promise<Row[]> {
  const result = await sql.query<Row>(
    'SELECT from_state, to_state, reason, at, version, instance_id FROM transitions WHERE endpoint_id = $1 ORDER BY version',
    [gateway.endpointId],
  );
  return result.rows;
}

beforeAll(async () => {
  db = await createTestDatabase('multi_instance');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  // Probes are slow (400 ms) so a second instance would overlap one if the permit leaked.
  receiver = await startReceiver(() => (failing ? { status: 500, delayMs: 20 } : { status: 200, delayMs: 400 }));
  apps = await Promise.all(['alpha', 'beta', 'gamma'].map((name) => startApp({ databaseUrl: db.url, instanceId: name })));
  gateway = await setupGateway(apps[0], { url: receiver.url, breaker: BREAKER, retry: { maxAttempts: 100, baseDelayMs: 50, maxDelayMs: 300 } });
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await receiver?.close();
  await sql?.end();
  await db?.drop();
});

describe('three instances, one breaker', () => {
  it('agree on state, never probe twice at once and store each transition once', async () => {
    // Events enter through all three instances.
    for (let i = 0; i < 30; i++) {
      const app = apps[i % 3];
      const reply = await fetch(`${app.url}/api/v1/ingest/${gateway.sourceName}`, {
        method: 'POST',
        headers: await signedHeaders(JSON.stringify({ i })),
        body: JSON.stringify({ i }),
      });
      expect(reply.status).toBe(202);
    }

    const opened = await waitFor(async () => (await transitions()).find((t) => t.to_state === 'open'), 15_000, 'trip');
    // Every instance reports the shared state within a flush interval or two.
    await waitFor(async () => {
      const states = await Promise.all(apps.map(async (app) => (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`)).body.breaker.state));
      return states.every((s) => s === states[0]) ? states : null;
    }, 2_000, 'instances agree');

    failing = false;
    const closed = await waitFor(async () => (await transitions()).find((t) => t.to_state === 'closed' && t.version > opened.version), 30_000, 'close');
    await waitFor(async () => (await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE status <> 'delivered'")).rows[0].n === 0, 30_000, 'all delivered');

    // Window figures: each instance flushes its buckets every 250 ms, and every instance reads
    // the buckets of all, so once the last flush has landed all three report the same figures.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const figures = await Promise.all(
      apps.map(async (app) => {
        const { breaker } = (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`)).body;
        return { state: breaker.state, volume: breaker.volume, errorRate: breaker.errorRate, version: breaker.version };
      }),
    );
    expect(figures[1]).toEqual(figures[0]);
    expect(figures[2]).toEqual(figures[0]);
    expect(figures[0].volume).toBeGreaterThan(0);

    const all = await transitions();
    // Versions are consecutive: each transition stored exactly once, no gaps, no duplicates.
    expect(all.map((t) => t.version)).toEqual(all.map((_, i) => i));
    for (let i = 1; i < all.length; i++) expect(all[i].from_state).toBe(all[i - 1].to_state);

    // No request started while open. A request the receiver saw after the trip must have been
    // launched (attempt started_at) before it, and reached the receiver within 100 ms.
    const attempts = await sql.query<{ delivery_id: string; started_at: Date }>('SELECT delivery_id, started_at FROM attempts');
    for (let i = 0; i < all.length; i++) {
      if (all[i].to_state !== 'open') continue;
      const openedAt = all[i].at.getTime();
      const leftAt = all[i + 1]?.at.getTime() ?? Date.now();
      const late = receiver.log.filter((r) => r.at > openedAt && r.at < leftAt);
      for (const request of late) {
        expect(request.at - openedAt).toBeLessThan(100);
        const launched = attempts.rows.filter(
          (a) => a.delivery_id === request.headers['webhook-id'] && a.started_at.getTime() <= request.at && a.started_at.getTime() > request.at - 1000,
        );
        expect(launched.length).toBeGreaterThan(0);
        // A claim that committed just before the trip took the breaker row starts its request
        // a moment later, on its own event loop: allow 20 ms for that.
        expect(Math.min(...launched.map((a) => a.started_at.getTime()))).toBeLessThanOrEqual(openedAt + 20);
      }
      // And nothing at all in the rest of the open period.
      expect(receiver.log.filter((r) => r.at >= openedAt + 100 && r.at < leftAt)).toEqual([]);
    }

    // Half-open: probes never overlapped, across all instances.
    for (let i = 0; i < all.length; i++) {
      if (all[i].to_state !== 'half_open') continue;
      const from = all[i].at.getTime();
      const until = all[i + 1]?.at.getTime() ?? Date.now();
      const probes = receiver.log.filter((r) => r.at >= from && r.at <= until).sort((a, b) => a.at - b.at);
      for (let j = 1; j < probes.length; j++) {
        if (probes[j].at < probes[j - 1].finishedAt - 2) {
          const rows = await sql.query('SELECT delivery_id, instance_id, probe, started_at, duration_ms, status FROM attempts ORDER BY started_at DESC LIMIT 30');
          console.log(JSON.stringify({ all, probes: probes.map((p) => ({ at: p.at, fin: p.finishedAt, id: p.headers['webhook-id'] })), rows: rows.rows }, null, 1));
        }
        expect(probes[j].at).toBeGreaterThanOrEqual(probes[j - 1].finishedAt - 2);
      }
    }
    const probeInstances = await sql.query<{ instance_id: string }>('SELECT DISTINCT instance_id FROM attempts WHERE probe');
    expect(probeInstances.rows.length).toBeGreaterThanOrEqual(1);
    expect(closed.reason).toBe('probes_succeeded');

    // The state every instance reads equals the last stored transition.
    const last = all.at(-1)!;
    for (const app of apps) {
      const endpoint = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
      expect(endpoint.body.breaker).toMatchObject({ state: last.to_state, version: last.version });
    }
  });

  it('stops every instance on a transition whose notification was lost', async () => {
    // Claims read the breaker row itself, and the cache heals by resync every second, so a
    // transition committed without NOTIFY still stops every instance.
    const current = await sql.query<{ version: number; state: string }>('SELECT version, state FROM breaker_states WHERE endpoint_id = $1', [gateway.endpointId]);
    const { version, state } = current.rows[0];
    await sql.query('BEGIN');
    await sql.query(
      `UPDATE breaker_states SET state = 'forced_open', version = $2, since = now(), reason = 'override_force_open', updated_at = now() WHERE endpoint_id = $1`,
      [gateway.endpointId, version + 1],
    );
    await sql.query(
      `INSERT INTO transitions (id, endpoint_id, from_state, to_state, version, reason, actor, "window", instance_id)
       VALUES ($4, $1, $3, 'forced_open', $2, 'override_force_open', 'test', 'null', 'test')`,
      [gateway.endpointId, version + 1, state, `trn_silent_${version + 1}`],
    );
    await sql.query('COMMIT');
    const before = receiver.log.length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const app of apps) await gateway.send(JSON.stringify({ app: app.instanceId }));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(receiver.log.length).toBe(before);
    await apps[0].api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'release', reason: 'resync test done' });
  });

  it('a new instance starting does not reset the shared state', async () => {
    await apps[0].api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'force_open', reason: 'hold for restart test' });
    const before = await transitions();
    const late = await startApp({ databaseUrl: db.url, instanceId: 'delta' });
    apps.push(late);
    const endpoint = await late.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
    expect(endpoint.body.breaker.state).toBe('forced_open');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await transitions()).toHaveLength(before.length);
  });
});

async function signedHeaders(body: string): Promise<Record<string, string>> {
  const { signGithub } = await import('../../lib/ingest/sign');
  return {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': `multi-${Math.random()}`,
    'x-hub-signature-256': signGithub(body, 'integration-test-secret'),
  };
}
