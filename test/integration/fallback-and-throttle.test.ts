import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let sql: pg.Client;
let primary: Receiver;
let fallback: Receiver;
let app: AppInstance;

beforeAll(async () => {
  db = await createTestDatabase('fallback');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  primary = await startReceiver(() => ({ status: 200 }));
  fallback = await startReceiver(() => ({ status: 200 }));
  app = await startApp({ databaseUrl: db.url });
});

afterAll(async () => {
  await app?.stop();
  await primary?.close();
  await fallback?.close();
  await sql?.end();
  await db?.drop();
});

async function deliveryOf(eventId: string): Promise<{ id: string; status: string; route: string; attempts: number; dead_reason: string | null }> {
  const result = await sql.query('SELECT id, status, route, attempts, dead_reason FROM deliveries WHERE event_id = $1', [eventId]);
  return result.rows[0];
}

describe('fallback routing', () => {
  it('uses the fallback while forced open', async () => {
    const gateway = await setupGateway(app, { url: primary.url, fallbackUrl: fallback.url, name: 'held' });
    await app.api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'force_open', reason: 'primary in maintenance' });
    const reply = await gateway.send('{"held":true}');
    expect(reply.status).toBe(202);

    const request = await waitFor(async () => fallback.log.find((r) => r.body.toString() === '{"held":true}'), 10_000, 'fallback delivery');
    const delivery = await waitFor(async () => {
      const d = await deliveryOf(reply.body.eventId);
      return d.status === 'delivered' ? d : null;
    });
    expect(delivery.route).toBe('fallback');
    expect(request.headers['webhook-id']).toBe(delivery.id);
    expect(request.headers['x-idempotency-key']).toBe(delivery.id);
    const payload = new Webhook(gateway.signingSecret).verify(request.body.toString(), {
      'webhook-id': request.headers['webhook-id'] as string,
      'webhook-timestamp': request.headers['webhook-timestamp'] as string,
      'webhook-signature': request.headers['webhook-signature'] as string,
    });
    expect(payload).toEqual({ held: true });
    expect(primary.log.filter((r) => r.body.toString() === '{"held":true}')).toHaveLength(0);
    const attempts = await app.api('GET', `/api/v1/deliveries/${delivery.id}`);
    expect(attempts.body.attempts[0].route).toBe('fallback');
  });

  it('sends a delivery to the fallback instead of dead-lettering it when configured', async () => {
    const rejecting = await startReceiver(() => ({ status: 422 }));
    try {
      const gateway = await setupGateway(app, { url: rejecting.url, fallbackUrl: fallback.url, name: 'dead-route' });
      await app.api('PATCH', `/api/v1/endpoints/${gateway.endpointId}`, { fallbackOn: 'dead' });
      const reply = await gateway.send('{"rejected":true}');
      const delivery = await waitFor(async () => {
        const d = await deliveryOf(reply.body.eventId);
        return d.status === 'delivered' ? d : null;
      }, 10_000, 'delivered through fallback');
      expect(delivery.route).toBe('fallback');
      expect(rejecting.log).toHaveLength(1);
      const onFallback = fallback.log.filter((r) => r.headers['webhook-id'] === delivery.id);
      expect(onFallback).toHaveLength(1);
    } finally {
      await rejecting.close();
    }
  });

  it('dead-letters when the fallback also fails on the last try', async () => {
    const rejecting = await startReceiver(() => ({ status: 400 }));
    const brokenFallback = await startReceiver(() => ({ status: 500 }));
    try {
      const gateway = await setupGateway(app, { url: rejecting.url, fallbackUrl: brokenFallback.url, name: 'both-fail' });
      await app.api('PATCH', `/api/v1/endpoints/${gateway.endpointId}`, { fallbackOn: 'both' });
      const reply = await gateway.send('{"doomed":true}');
      const delivery = await waitFor(async () => {
        const d = await deliveryOf(reply.body.eventId);
        return d.status === 'dead' ? d : null;
      }, 10_000, 'dead letter');
      expect(delivery.dead_reason).toBe('rejected_400');
      expect(brokenFallback.log).toHaveLength(1);
    } finally {
      await rejecting.close();
      await brokenFallback.close();
    }
  });
});

describe('throttling and gone', () => {
  it('pauses on 429 with Retry-After without spending an attempt', async () => {
    let throttle = true;
    const limited = await startReceiver(() => (throttle ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    try {
      const gateway = await setupGateway(app, { url: limited.url, name: 'throttled', breaker: { minVolume: 1 } });
      const reply = await gateway.send('{"slow":"down"}');
      await waitFor(async () => limited.log.length === 1, 10_000, 'first request');
      throttle = false;
      const paused = await waitFor(async () => {
        const r = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
        return r.body.breaker.pausedUntil ? r.body : null;
      }, 5_000, 'pause recorded');
      expect(paused.breaker.state).toBe('closed');
      const pauseMs = Date.parse(paused.breaker.pausedUntil) - limited.log[0].at;
      expect(pauseMs).toBeGreaterThan(1500);
      expect(pauseMs).toBeLessThan(2600);

      const delivery = await waitFor(async () => {
        const d = await deliveryOf(reply.body.eventId);
        return d.status === 'delivered' ? d : null;
      }, 10_000, 'delivered after pause');
      // The second request waited for the pause, and the throttled try spent no attempt.
      expect(limited.log[1].at - limited.log[0].at).toBeGreaterThanOrEqual(1900);
      expect(delivery.attempts).toBe(1);
      const attempts = await app.api('GET', `/api/v1/deliveries/${delivery.id}`);
      expect(attempts.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['throttled', 'success']);
    } finally {
      await limited.close();
    }
  });

  it('disables the endpoint on 410 Gone, audited, and holds its deliveries', async () => {
    const gone = await startReceiver(() => ({ status: 410 }));
    try {
      const gateway = await setupGateway(app, { url: gone.url, name: 'gone' });
      await gateway.send('{"n":1}');
      const endpoint = await waitFor(async () => {
        const r = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
        return r.body.breaker.state === 'disabled' ? r.body : null;
      }, 10_000, 'disabled');
      expect(endpoint.breaker.reason).toBe('endpoint_gone');
      await gateway.send('{"n":2}');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(gone.log).toHaveLength(1);
      const held = await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status IN ('pending', 'failed')", [gateway.endpointId]);
      expect(held.rows[0].n).toBe(2);
      const audit = await app.api('GET', `/api/v1/audit?targetId=${gateway.endpointId}&action=breaker.transition`);
      expect(audit.body.data[0].after.reason).toBe('endpoint_gone');
    } finally {
      await gone.close();
    }
  });
});
