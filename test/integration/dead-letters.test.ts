import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let sql: pg.Client;
let receiver: Receiver;
let app: AppInstance;
let gateway: Gateway;

beforeAll(async () => {
  db = await createTestDatabase('dead_letters');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  receiver = await startReceiver(() => ({ status: 500 }));
  app = await startApp({ databaseUrl: db.url });
  // A high minVolume keeps the breaker closed so retries run out and dead-letter.
  gateway = await setupGateway(app, {
    url: receiver.url,
    breaker: { minVolume: 1000 },
    retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 50 },
  });
});

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
  await sql?.end();
  await db?.drop();
});

describe('dead letters and replay', () => {
  it('dead-letters after maxAttempts with every attempt kept', async () => {
    const reply = await gateway.send('{"order":1}');
    expect(reply.status).toBe(202);
    const letters = await waitFor(async () => {
      const r = await app.api('GET', `/api/v1/dead-letters?endpointId=${gateway.endpointId}`);
      return r.body.data.length === 1 ? r.body.data : null;
    }, 15_000, 'dead letter');
    expect(letters[0]).toMatchObject({ status: 'dead', attempts: 3, deadReason: 'max_attempts', lastError: 'HTTP 500' });
    const detail = await app.api('GET', `/api/v1/deliveries/${letters[0].id}`);
    expect(detail.body.attempts.map((a: { status: number }) => a.status)).toEqual([500, 500, 500]);
    expect(detail.body.payload).toBe('{"order":1}');
  });

  it('dead-letters a 4xx at once and keeps the breaker closed', async () => {
    receiver.setBehaviour(() => ({ status: 422, body: 'unprocessable' }));
    await gateway.send('{"order":2}');
    const letter = await waitFor(async () => {
      const r = await app.api('GET', `/api/v1/dead-letters?endpointId=${gateway.endpointId}`);
      return r.body.data.find((d: { deadReason: string }) => d.deadReason === 'rejected_422');
    }, 15_000, '4xx dead letter');
    expect(letter.attempts).toBe(1);
    const detail = await app.api('GET', `/api/v1/deliveries/${letter.id}`);
    expect(detail.body.attempts[0].responseExcerpt).toBe('unprocessable');
    const endpoint = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
    expect(endpoint.body.breaker.state).toBe('closed');
  });

  it('replays every dead letter of the endpoint with the same webhook-id', async () => {
    receiver.setBehaviour(() => ({ status: 200 }));
    const dead = (await app.api('GET', `/api/v1/dead-letters?endpointId=${gateway.endpointId}`)).body.data as { id: string }[];
    expect(dead).toHaveLength(2);
    const before = receiver.log.length;

    const started = await app.api('POST', '/api/v1/dead-letters/replay', { filter: { endpointId: gateway.endpointId } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ count: 2 });
    expect(started.body.replayId).toMatch(/^rpl_/);

    const progress = await waitFor(async () => {
      const r = await app.api('GET', `/api/v1/replays/${started.body.replayId}`);
      return r.body.status === 'done' && r.body.delivered === 2 ? r.body : null;
    }, 15_000, 'replay done');
    expect(progress).toMatchObject({ total: 2, sent: 2 });

    const replayedIds = receiver.log.slice(before).map((r) => r.headers['webhook-id']);
    expect(replayedIds.sort()).toEqual(dead.map((d) => d.id).sort());
    for (const id of dead.map((d) => d.id)) {
      const detail = await app.api('GET', `/api/v1/deliveries/${id}`);
      expect(detail.body).toMatchObject({ status: 'delivered', replayCount: 1 });
      expect(detail.body.attempts.at(-1)).toMatchObject({ status: 200, replay: true });
    }
    const audit = await app.api('GET', `/api/v1/audit?action=replay.start`);
    expect(audit.body.data[0].targetId).toBe(started.body.replayId);
  });

  it('replays one dead letter by id and rejects ids that are not dead letters', async () => {
    const notDead = await app.api('POST', '/api/v1/dead-letters/replay', { ids: ['dlv_does_not_exist'] });
    expect(notDead.status).toBe(404);
    expect(notDead.body.error.field).toBe('ids');
  });
});
