import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { setupGateway, waitFor } from '../support/scenario';

let db: TestDatabase;
let app: AppInstance;
let failing: Receiver;
let healthy: Receiver;

beforeAll(async () => {
  db = await createTestDatabase('overview');
  failing = await startReceiver(() => ({ status: 500 }));
  healthy = await startReceiver(() => ({ status: 200 }));
  app = await startApp({ databaseUrl: db.url });
});

afterAll(async () => {
  await app?.stop();
  await failing?.close();
  await healthy?.close();
  await db?.drop();
});

describe('overview list', () => {
  it('sorts by burn rate and by time in state, paging through every endpoint', async () => {
    const calm = await setupGateway(app, { url: healthy.url, name: 'calm' });
    const burning = await setupGateway(app, { url: failing.url, name: 'burning', breaker: { minVolume: 1000 }, retry: { maxAttempts: 1 } });
    const quiet = await setupGateway(app, { url: healthy.url, name: 'quiet' });
    for (let i = 0; i < 4; i++) {
      await calm.send(JSON.stringify({ i }));
      await burning.send(JSON.stringify({ i }));
    }
    await waitFor(async () => failing.log.length === 4 && healthy.log.length === 4, 10_000, 'attempts made');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The oldest state change: force the quiet endpoint open, then the others change later.
    await app.api('POST', `/api/v1/endpoints/${quiet.endpointId}/override`, { action: 'force_open', reason: 'sort test' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await app.api('POST', `/api/v1/endpoints/${calm.endpointId}/override`, { action: 'metrics_only', reason: 'sort test' });
    await app.api('POST', `/api/v1/endpoints/${burning.endpointId}/override`, { action: 'force_closed', reason: 'sort test' });

    const byBurn = await waitFor(async () => {
      const r = await app.api('GET', '/api/v1/endpoints?sort=burn');
      return r.body.data[0]?.burnRate1h > 0 ? r.body : null;
    }, 5_000, 'burn recorded');
    expect(byBurn.data[0].id).toBe(burning.endpointId);
    // Four failures of four attempts: error ratio 1 over a 1 % budget (standard tier, 99 %).
    expect(byBurn.data[0].burnRate1h).toBeCloseTo(100, 5);
    expect(byBurn.data.find((e: { id: string }) => e.id === calm.endpointId).burnRate1h).toBe(0);

    const bySince = await app.api('GET', '/api/v1/endpoints?sort=since');
    expect(bySince.body.data.map((e: { id: string }) => e.id)).toEqual([quiet.endpointId, calm.endpointId, burning.endpointId]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await app.api('GET', `/api/v1/endpoints?sort=burn&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.data).toHaveLength(1);
      seen.push(page.body.data[0].id);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(byBurn.data.map((e: { id: string }) => e.id));
  });

  it('rejects an unknown sort, naming the field', async () => {
    const reply = await app.api('GET', '/api/v1/endpoints?sort=chaos');
    expect(reply.status).toBe(400);
    expect(reply.body.error.field).toBe('sort');
  });
});
