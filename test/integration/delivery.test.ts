import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signGithub } from '../../lib/ingest/sign';
import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
let gateway: Gateway;
let sql: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('delivery');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  receiver = await startReceiver();
  app = await startApp({ databaseUrl: db.url });
  gateway = await setupGateway(app, { url: receiver.url });
});

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
  await sql?.end();
  await db?.drop();
});

describe('signed event to receiver', () => {
  it('delivers the exact bytes with a valid Standard Webhooks signature', async () => {
    // Odd spacing, key order and non-ASCII text: any re-serialisation would change the bytes.
    const body = '{ "zeta":1,  "alpha":"café ☕",\n"list":[3,2,1] }';
    const reply = await gateway.send(body);
    expect(reply.status).toBe(202);
    expect(reply.body.eventId).toMatch(/^evt_/);
    expect(reply.body.deliveries).toBe(1);

    const request = await waitFor(async () => receiver.log.find((r) => r.body.toString('utf8') === body), 10_000, 'delivery');
    expect(request.body.equals(Buffer.from(body, 'utf8'))).toBe(true);
    const id = request.headers['webhook-id'] as string;
    expect(id).toMatch(/^dlv_/);
    expect(request.headers['x-idempotency-key']).toBe(id);
    expect(request.headers['x-switchyard-event-type']).toBe('push');
    expect(request.headers['x-switchyard-event-id']).toBe(reply.body.eventId);

    const verified = new Webhook(gateway.signingSecret).verify(request.body.toString('utf8'), {
      'webhook-id': id,
      'webhook-timestamp': request.headers['webhook-timestamp'] as string,
      'webhook-signature': request.headers['webhook-signature'] as string,
    });
    expect(verified).toEqual(JSON.parse(body));

    const delivery = await waitFor(async () => {
      const r = await app.api('GET', `/api/v1/deliveries/${id}`);
      return r.body.status === 'delivered' ? r.body : null;
    });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ status: 200, outcome: 'success', probe: false });
    expect(delivery.payload).toBe(body);
  });

  it('records an attempt whose response holds NUL bytes', async () => {
    // PostgreSQL text cannot store NUL. An excerpt kept with it would fail its whole batch of
    // results on every retry, and the delivery would stay in flight.
    receiver.setBehaviour(() => ({ status: 200, body: 'ok\u0000done\u0000' }));
    try {
      const body = '{"nul":"reply"}';
      const reply = await gateway.send(body);
      expect(reply.status).toBe(202);
      const request = await waitFor(async () => receiver.log.find((r) => r.body.toString('utf8') === body), 10_000, 'delivery');
      const id = request.headers['webhook-id'] as string;
      const delivery = await waitFor(async () => {
        const r = await app.api('GET', `/api/v1/deliveries/${id}`);
        return r.body.status === 'delivered' ? r.body : null;
      });
      expect(delivery.attempts[0].responseExcerpt).toBe('okdone');
    } finally {
      receiver.setBehaviour(() => ({ status: 200 }));
    }
  });

  it('answers a repeated X-GitHub-Delivery with the first event and creates nothing', async () => {
    const first = await gateway.send('{"n":1}', { deliveryId: 'repeat-1' });
    const second = await gateway.send('{"n":1}', { deliveryId: 'repeat-1' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.eventId).toBe(first.body.eventId);
    const events = await sql.query("SELECT count(*)::int AS n FROM events WHERE external_id = 'repeat-1'");
    expect(events.rows[0].n).toBe(1);
    const deliveries = await sql.query('SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1', [first.body.eventId]);
    expect(deliveries.rows[0].n).toBe(1);
  });

  it('rejects a bad signature with 401 and touches no breaker metric', async () => {
    await waitFor(async () => (await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE status <> 'delivered'")).rows[0].n === 0);
    // Let the last flush land, then snapshot every metric the breaker reads.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const before = await sql.query('SELECT endpoint_id, calls, failures, slow FROM breaker_buckets ORDER BY 1, bucket_start');
    const eventsBefore = (await sql.query('SELECT count(*)::int AS n FROM events')).rows[0].n;

    const wrong = await gateway.send('{"n":2}', { signature: 'sha256=' + '0'.repeat(64) });
    const short = await gateway.send('{"n":2}', { signature: 'sha256=abc' });
    const missing = await fetch(`${app.url}/api/v1/ingest/${gateway.sourceName}`, { method: 'POST', body: '{}' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.field).toBe('x-hub-signature-256');
    expect(short.status).toBe(401);
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe('signature_missing');

    await new Promise((resolve) => setTimeout(resolve, 600));
    const after = await sql.query('SELECT endpoint_id, calls, failures, slow FROM breaker_buckets ORDER BY 1, bucket_start');
    expect(after.rows).toEqual(before.rows);
    expect((await sql.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(eventsBefore);
  });

  it('fans out only to subscriptions whose event types match', async () => {
    const pushOnly = await app.api('POST', '/api/v1/endpoints', { name: 'push-only', url: receiver.url });
    const issuesPrefix = await app.api('POST', '/api/v1/endpoints', { name: 'issues-prefix', url: receiver.url });
    await app.api('POST', '/api/v1/subscriptions', { sourceId: gateway.sourceId, endpointId: pushOnly.body.id, eventTypes: ['push'] });
    await app.api('POST', '/api/v1/subscriptions', { sourceId: gateway.sourceId, endpointId: issuesPrefix.body.id, eventTypes: ['issues.*'] });
    // The source cache keeps the subscription count for up to two seconds; both paths must agree.
    for (const pause of [0, 2_100]) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      const push = await gateway.send('{"kind":"push"}');
      expect(push.body.deliveries).toBe(2);
      const targets = await sql.query<{ endpoint_id: string }>('SELECT endpoint_id FROM deliveries WHERE event_id = $1 ORDER BY endpoint_id', [push.body.eventId]);
      expect(targets.rows.map((r) => r.endpoint_id).sort()).toEqual([gateway.endpointId, pushOnly.body.id].sort());
    }
  });

  it('answers 404 for an unknown source', async () => {
    const response = await fetch(`${app.url}/api/v1/ingest/no-such-source`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect((await response.json()).error.field).toBe('sourceName');
  });
});

describe('management input errors', () => {
  const cases: { name: string; method: string; path: string; body: unknown; status: number; field: string; message?: string }[] = [
    { name: 'endpoint without url', method: 'POST', path: '/api/v1/endpoints', body: { name: 'x' }, status: 400, field: 'url', message: 'url: is required' },
    { name: 'limit that is not a number', method: 'GET', path: '/api/v1/deliveries?limit=abc', body: undefined, status: 400, field: 'limit', message: 'limit: must be a number' },
    { name: 'endpoint with ftp url', method: 'POST', path: '/api/v1/endpoints', body: { name: 'x', url: 'ftp://a/b' }, status: 400, field: 'url' },
    { name: 'bucket not dividing window', method: 'POST', path: '/api/v1/endpoints', body: { name: 'x', url: 'http://127.0.0.1:9/x', breaker: { windowSeconds: 60, bucketSeconds: 7 } }, status: 400, field: 'breaker.bucketSeconds' },
    { name: 'probe concurrency above 3', method: 'POST', path: '/api/v1/endpoints', body: { name: 'x', url: 'http://127.0.0.1:9/x', breaker: { halfOpenMaxConcurrent: 4 } }, status: 400, field: 'breaker.halfOpenMaxConcurrent' },
    { name: 'unknown scheme', method: 'POST', path: '/api/v1/sources', body: { name: 'bad', scheme: 'md5', secrets: ['x'] }, status: 400, field: 'scheme' },
    { name: 'source without secret', method: 'POST', path: '/api/v1/sources', body: { name: 'nosecret', scheme: 'github', secrets: [] }, status: 400, field: 'secrets' },
    { name: 'subscription with bad id', method: 'POST', path: '/api/v1/subscriptions', body: { sourceId: 'nope', endpointId: 'ep_x' }, status: 400, field: 'sourceId' },
    { name: 'override without reason', method: 'POST', path: '/api/v1/endpoints/EP/override', body: { action: 'force_open', reason: '  ' }, status: 400, field: 'reason', message: 'reason: is required: say why' },
    { name: 'override with unknown action', method: 'POST', path: '/api/v1/endpoints/EP/override', body: { action: 'explode', reason: 'x' }, status: 400, field: 'action' },
    { name: 'release with no override', method: 'POST', path: '/api/v1/endpoints/EP/override', body: { action: 'release', reason: 'x' }, status: 409, field: 'action' },
    { name: 'override expiry in the past', method: 'POST', path: '/api/v1/endpoints/EP/override', body: { action: 'force_open', reason: 'x', expiresAt: '2001-01-01T00:00:00Z' }, status: 400, field: 'expiresAt' },
    { name: 'replay with neither ids nor filter', method: 'POST', path: '/api/v1/dead-letters/replay', body: {}, status: 400, field: 'ids' },
    { name: 'attempts cursor that is not an attempt id', method: 'GET', path: '/api/v1/endpoints/EP/attempts?cursor=dlv_x', body: undefined, status: 400, field: 'cursor' },
    { name: 'subscriptions of a bad source id', method: 'GET', path: '/api/v1/subscriptions?sourceId=nope', body: undefined, status: 400, field: 'sourceId' },
    { name: 'source change with no field', method: 'PATCH', path: '/api/v1/sources/SRC', body: {}, status: 400, field: 'body' },
    { name: 'source change to no secret', method: 'PATCH', path: '/api/v1/sources/SRC', body: { secrets: [] }, status: 400, field: 'secrets' },
    { name: 'source change of an unknown source', method: 'PATCH', path: '/api/v1/sources/src_unknown', body: { maxBodyBytes: 1000 }, status: 404, field: 'id' },
    { name: 'deliveries with unknown status', method: 'GET', path: '/api/v1/deliveries?status=lost', body: undefined, status: 400, field: 'status' },
  ];

  for (const c of cases) {
    it(`rejects ${c.name}`, async () => {
      const reply = await app.api(c.method, c.path.replace('EP', gateway.endpointId).replace('SRC', gateway.sourceId), c.body);
      expect(reply.status).toBe(c.status);
      expect(reply.body.error.field).toBe(c.field);
      expect(reply.body.error.message.length).toBeGreaterThan(5);
      if (c.message) expect(reply.body.error.message).toContain(c.message);
    });
  }

  it('rejects a body that is not JSON', async () => {
    const reply = await app.api('POST', '/api/v1/endpoints', '{"name": ');
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: 'invalid_json', field: 'body' });
  });

  it('answers 404 naming the id for an unknown endpoint', async () => {
    const reply = await app.api('GET', '/api/v1/endpoints/ep_missing');
    expect(reply.status).toBe(404);
    expect(reply.body.error.field).toBe('id');
  });

  it('requires a token for management routes', async () => {
    const response = await fetch(`${app.url}/api/v1/endpoints`);
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('unauthorized');
  });

  it('pages the attempts of an endpoint, newest first', async () => {
    const path = `/api/v1/endpoints/${gateway.endpointId}/attempts`;
    const all = await app.api('GET', `${path}?limit=1000`);
    expect(all.status).toBe(200);
    expect(all.body.data.length).toBeGreaterThan(2);
    const times = all.body.data.map((a: { startedAt: string }) => Date.parse(a.startedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.body.data[0].deliveryId).toMatch(/^dlv_/);

    const paged: Array<{ id: string }> = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const page: { status: number; body: any } = await app.api('GET', `${path}?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      paged.push(...page.body.data);
      cursor = page.body.nextCursor;
      if (cursor === null) break;
    }
    expect(paged.map((a) => a.id)).toEqual(all.body.data.map((a: { id: string }) => a.id));
  });

  it('lists and deletes a subscription, audited', async () => {
    const other = await setupGateway(app, { url: receiver.url, name: 'unsubscribe-me' });
    const listed = await app.api('GET', `/api/v1/subscriptions?endpointId=${other.endpointId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(1);
    const subscription = listed.body.data[0];
    expect(subscription).toMatchObject({ sourceId: other.sourceId, endpointId: other.endpointId, eventTypes: [] });

    const deleted = await app.api('DELETE', `/api/v1/subscriptions/${subscription.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: subscription.id, deleted: true });
    expect((await app.api('GET', `/api/v1/subscriptions?endpointId=${other.endpointId}`)).body.data).toEqual([]);
    expect((await app.api('DELETE', `/api/v1/subscriptions/${subscription.id}`)).status).toBe(404);

    // An event after the deletion fans out to nothing.
    const reply = await other.send('{"after":"unsubscribe"}');
    expect(reply.status).toBe(202);
    expect(reply.body.deliveries).toBe(0);
    const audit = await app.api('GET', `/api/v1/audit?action=subscription.delete&targetId=${subscription.id}`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].before).toMatchObject({ sourceId: other.sourceId, endpointId: other.endpointId });
  });

  it('rotates a source secret without downtime', async () => {
    const rotated = await setupGateway(app, { url: receiver.url, name: 'rotate-me' });
    const path = `/api/v1/sources/${rotated.sourceId}`;
    const body = '{"rotate":true}';
    const withSecret = (secret: string) => ({ signature: signGithub(body, secret) });

    // Step 1: the new secret beside the old one; both verify.
    const both = await app.api('PATCH', path, { secrets: ['integration-test-secret', 'new-secret'] });
    expect(both.status).toBe(200);
    expect(JSON.stringify(both.body)).not.toContain('new-secret');
    expect((await rotated.send(body, withSecret('new-secret'))).status).toBe(202);
    expect((await rotated.send(body, withSecret('integration-test-secret'))).status).toBe(202);

    // Step 2: the old secret dropped; it no longer verifies.
    expect((await app.api('PATCH', path, { secrets: ['new-secret'] })).status).toBe(200);
    expect((await rotated.send(body, withSecret('integration-test-secret'))).status).toBe(401);
    expect((await rotated.send(body, withSecret('new-secret'))).status).toBe(202);

    const audit = await app.api('GET', `/api/v1/audit?action=source.update&targetId=${rotated.sourceId}`);
    expect(audit.body.data.map((e: { after: { secretCount: number } }) => e.after.secretCount)).toEqual([1, 2]);
    expect(JSON.stringify(audit.body.data)).not.toContain('new-secret');
  });

  it('shows only the options a scheme reads', async () => {
    const github = await app.api('GET', `/api/v1/sources/${gateway.sourceId}`);
    expect(github.body.options).toEqual({});
    const hmac = await app.api('POST', '/api/v1/sources', {
      name: 'options-hmac',
      scheme: 'hmac-sha256',
      secrets: ['x'],
      options: { header: 'X-Sig', prefix: 'sha256=' },
    });
    expect(hmac.status).toBe(201);
    expect(hmac.body.options).toEqual({ header: 'x-sig', encoding: 'hex', prefix: 'sha256=' });
  });

  it('never returns a source secret', async () => {
    const reply = await app.api('GET', `/api/v1/sources/${gateway.sourceId}`);
    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).not.toContain('integration-test-secret');
    const endpoint = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
    expect(JSON.stringify(endpoint.body)).not.toContain(gateway.signingSecret);
  });
});
