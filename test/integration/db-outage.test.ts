import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

let db: TestDatabase;
let sql: pg.Client;
let proxy: TcpProxy;
let receiver: Receiver;
let app: AppInstance;
let gateway: Gateway;

beforeAll(async () => {
  db = await createTestDatabase('db_outage');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  receiver = await startReceiver(() => ({ status: 200 }));
  // The app reaches the database only through the proxy, so cutting it is an outage.
  const viaProxy = new URL(db.url);
  viaProxy.port = String(proxy.port);
  app = await startApp({ databaseUrl: viaProxy.toString() });
  gateway = await setupGateway(app, { url: receiver.url });
});

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
  await proxy?.close();
  await sql?.end();
  await db?.drop();
});

describe('database outage', () => {
  it('answers 503 while the database is down, then resumes and loses nothing acknowledged', async () => {
    const accepted: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = await gateway.send(JSON.stringify({ before: i }));
      expect(reply.status).toBe(202);
      accepted.push(reply.body.eventId);
    }

    proxy.cut();
    const during = await gateway.send('{"during":true}');
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('database_unavailable');
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    proxy.restore();
    await waitFor(async () => (await fetch(`${app.url}/api/health`)).status === 200, 20_000, 'health back');
    for (let i = 0; i < 10; i++) {
      const reply = await gateway.send(JSON.stringify({ after: i }));
      expect(reply.status).toBe(202);
      accepted.push(reply.body.eventId);
    }

    // The dispatcher reconnected by itself: every acknowledged event is delivered.
    await waitFor(
      async () => (await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'")).rows[0].n === accepted.length,
      30_000,
      'all delivered after the outage',
    );
    const stored = await sql.query<{ id: string }>('SELECT id FROM events');
    expect(stored.rows.map((r) => r.id).sort()).toEqual([...accepted].sort());
    const received = new Set(receiver.log.map((r) => r.headers['webhook-id']));
    expect(received.size).toBe(accepted.length);
  });
});
