import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let sql: pg.Client;
let receiver: Receiver;
let apps: AppInstance[] = [];

beforeAll(async () => {
  db = await createTestDatabase('graceful_stop');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  receiver = await startReceiver(() => ({ status: 200, delayMs: 800 }));
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await receiver?.close();
  await sql?.end();
  await db?.drop();
});

describe('SIGTERM', () => {
  it('finishes requests in flight and leaves no claim behind', async () => {
    const first = await startApp({ databaseUrl: db.url, instanceId: 'stopping' });
    apps.push(first);
    const gateway = await setupGateway(first, { url: receiver.url, breaker: { maxConcurrent: 4 } });
    for (let i = 0; i < 12; i++) expect((await gateway.send(JSON.stringify({ i }))).status).toBe(202);
    await waitFor(async () => receiver.inFlight() > 0, 5_000, 'requests in flight');

    const code = await first.stop('SIGTERM');
    expect(code).toBe(0);
    const leftover = await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'in_flight'");
    expect(leftover.rows[0].n).toBe(0);
    // Every request the receiver completed before the stop is recorded as an attempt.
    const attempts = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts');
    expect(attempts.rows[0].n).toBe(receiver.log.length);

    // A second instance delivers the rest at once; nothing waits for a lease to expire.
    const second = await startApp({ databaseUrl: db.url, instanceId: 'successor' });
    apps.push(second);
    await waitFor(async () => (await sql.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'delivered'")).rows[0].n === 12, 15_000, 'all delivered');
    const ids = receiver.log.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(12);
  });
});
