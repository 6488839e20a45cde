import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let sql: pg.Client;
let app: AppInstance;

beforeAll(async () => {
  db = await createTestDatabase('replay_fairness');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  app = await startApp({ databaseUrl: db.url });
});

afterAll(async () => {
  await app?.stop();
  await sql?.end();
  await db?.drop();
});

async function deadLetters(gateway: Gateway, receiver: Receiver, count: number): Promise<string[]> {
  for (let i = 0; i < count; i++) await gateway.send(JSON.stringify({ i }));
  await waitFor(
    async () => (await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'dead'", [gateway.endpointId])).rows[0].n === count,
    20_000,
    `${count} dead letters`,
  );
  receiver.log.length = 0;
  return (await sql.query<{ id: string }>('SELECT id FROM deliveries WHERE endpoint_id = $1', [gateway.endpointId])).rows.map((r) => r.id);
}

describe('replay through the breaker', () => {
  it('waits while the breaker is forced open and sends after release', async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    try {
      const gateway = await setupGateway(app, { url: receiver.url, name: 'replay-open', breaker: { minVolume: 1000 }, retry: { maxAttempts: 1 } });
      const ids = await deadLetters(gateway, receiver, 5);
      receiver.setBehaviour(() => ({ status: 200 }));
      await app.api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'force_open', reason: 'hold replay' });

      const replay = await app.api('POST', '/api/v1/dead-letters/replay', { filter: { endpointId: gateway.endpointId } });
      expect(replay.body.count).toBe(5);
      await waitFor(async () => (await app.api('GET', `/api/v1/replays/${replay.body.replayId}`)).body.sent === 5, 10_000, 'replay moved');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(receiver.log).toHaveLength(0);
      const attempts = await sql.query("SELECT count(*)::int AS n FROM attempts WHERE replay");
      expect(attempts.rows[0].n).toBe(0);

      await app.api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'release', reason: 'go' });
      await waitFor(async () => receiver.log.length === 5, 10_000, 'replayed after release');
      expect(receiver.log.map((r) => r.headers['webhook-id']).sort()).toEqual([...ids].sort());
    } finally {
      await receiver.close();
    }
  });

  it('sends only probes while half-open, whatever the replay size', async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    try {
      const gateway = await setupGateway(app, { url: receiver.url, name: 'replay-half-open', breaker: { minVolume: 1000 }, retry: { maxAttempts: 1 } });
      await deadLetters(gateway, receiver, 40);
      // Now let the breaker trip on fresh failures, so the replay meets an open breaker.
      await app.api('PATCH', `/api/v1/endpoints/${gateway.endpointId}`, {
        breaker: { minVolume: 5, windowSeconds: 10, bucketSeconds: 1, resetTimeoutMs: 1500, resetJitter: 0, successThreshold: 3, probeIntervalMs: 300 },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let i = 0; i < 10; i++) await gateway.send(JSON.stringify({ trip: i }));
      await waitFor(async () => (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`)).body.breaker.state === 'open', 10_000, 'open');

      // The receiver recovers but responds slowly: probes must stay one at a time.
      receiver.setBehaviour(() => ({ status: 200, delayMs: 200 }));
      receiver.log.length = 0;
      const replay = await app.api('POST', '/api/v1/dead-letters/replay', { filter: { endpointId: gateway.endpointId }, ratePerSecond: 1000 });
      expect(replay.body.count).toBeGreaterThanOrEqual(40);
      const closed = await waitFor(async () => {
        const rows = await sql.query<{ at: Date }>("SELECT at FROM transitions WHERE endpoint_id = $1 AND to_state = 'closed' AND reason = 'probes_succeeded'", [gateway.endpointId]);
        return rows.rows[0];
      }, 20_000, 'closed again');
      const halfOpen = (await sql.query<{ at: Date }>("SELECT at FROM transitions WHERE endpoint_id = $1 AND to_state = 'half_open' ORDER BY version DESC LIMIT 1", [gateway.endpointId])).rows[0];

      // While half-open, the receiver saw exactly successThreshold requests, never two at once.
      const during = receiver.log.filter((r) => r.at >= halfOpen.at.getTime() && r.at <= closed.at.getTime());
      expect(during).toHaveLength(3);
      for (let i = 1; i < during.length; i++) expect(during[i].at).toBeGreaterThanOrEqual(during[i - 1].finishedAt - 2);
      await waitFor(async () => (await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'delivered'", [gateway.endpointId])).rows[0].n >= 40, 20_000, 'replay delivered');
    } finally {
      await receiver.close();
    }
  });

  it('can be cancelled part way, leaving the rest dead', async () => {
    const receiver = await startReceiver(() => ({ status: 500 }));
    try {
      const gateway = await setupGateway(app, { url: receiver.url, name: 'replay-cancel', breaker: { minVolume: 1000 }, retry: { maxAttempts: 1 } });
      await deadLetters(gateway, receiver, 30);
      receiver.setBehaviour(() => ({ status: 200 }));
      const replay = await app.api('POST', '/api/v1/dead-letters/replay', { filter: { endpointId: gateway.endpointId }, ratePerSecond: 5 });
      await waitFor(async () => (await app.api('GET', `/api/v1/replays/${replay.body.replayId}`)).body.sent >= 3, 10_000, 'some moved');
      const cancelled = await app.api('POST', `/api/v1/replays/${replay.body.replayId}/cancel`);
      expect(cancelled.body.status).toBe('cancelled');
      const sentAtCancel = cancelled.body.sent as number;
      expect(sentAtCancel).toBeLessThan(30);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const after = await app.api('GET', `/api/v1/replays/${replay.body.replayId}`);
      expect(after.body.sent).toBe(sentAtCancel);
      const dead = await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'dead'", [gateway.endpointId]);
      expect(dead.rows[0].n).toBe(30 - sentAtCancel);
      const audit = await app.api('GET', `/api/v1/audit?action=replay.cancel&targetId=${replay.body.replayId}`);
      expect(audit.body.data).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });
});

describe('per-endpoint fairness', () => {
  it('keeps delivering to a healthy endpoint while another one is slow', async () => {
    const slow = await startReceiver(() => ({ status: 200, delayMs: 3000 }));
    const fast = await startReceiver(() => ({ status: 200 }));
    try {
      const slowGateway = await setupGateway(app, { url: slow.url, name: 'slow', breaker: { maxConcurrent: 8, latencyThresholdMs: 50_000, requestTimeoutMs: 10_000 } });
      const fastGateway = await setupGateway(app, { url: fast.url, name: 'fast' });
      for (let i = 0; i < 200; i++) await slowGateway.send(JSON.stringify({ slow: i }));
      const started = Date.now();
      for (let i = 0; i < 20; i++) await fastGateway.send(JSON.stringify({ fast: i }));
      await waitFor(async () => fast.log.length === 20, 5_000, 'fast endpoint served');
      expect(Date.now() - started).toBeLessThan(5_000);
      // The slow endpoint has no more requests in flight than its own concurrency limit.
      expect(slow.maxInFlight()).toBeLessThanOrEqual(8);
    } finally {
      await slow.close();
      await fast.close();
    }
  });
});
