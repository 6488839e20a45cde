import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let sql: pg.Client;
let receiver: Receiver;
let app: AppInstance | null = null;
let gateway: Gateway;

beforeAll(async () => {
  db = await createTestDatabase('restart');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  receiver = await startReceiver(() => ({ status: 200 }));
});

afterAll(async () => {
  await app?.stop();
  await receiver?.close();
  await sql?.end();
  await db?.drop();
});

describe('app restart', () => {
  it('keeps breaker states and pending deliveries', async () => {
    app = await startApp({ databaseUrl: db.url, instanceId: 'first' });
    gateway = await setupGateway(app, { url: receiver.url });
    const forced = await app.api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'force_open', reason: 'maintenance window' });
    expect(forced.body.breaker.state).toBe('forced_open');
    for (let i = 0; i < 5; i++) expect((await gateway.send(JSON.stringify({ i }))).status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.log).toHaveLength(0);

    await app.stop('SIGTERM');
    app = await startApp({ databaseUrl: db.url, instanceId: 'second' });

    // The new instance adopts the stored state: still forced open, nothing sent, nothing lost.
    const endpoint = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
    expect(endpoint.body.breaker.state).toBe('forced_open');
    expect(endpoint.body.waiting).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.log).toHaveLength(0);
    const attempts = await sql.query('SELECT count(*)::int AS n FROM attempts');
    expect(attempts.rows[0].n).toBe(0);

    await app.api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'release', reason: 'maintenance over' });
    await waitFor(async () => receiver.log.length === 5, 10_000, 'held deliveries sent after release');
    // Attempts are recorded in batches just after the responses arrive.
    await waitFor(
      async () => (await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'")).rows[0].n === 5,
      5_000,
      'deliveries recorded as delivered',
    );
    expect(receiver.log).toHaveLength(5);
    const instances = await sql.query('SELECT DISTINCT instance_id FROM attempts');
    expect(instances.rows).toEqual([{ instance_id: 'second' }]);
  });
});
