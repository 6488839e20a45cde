// The alert webhook notifier against the real PostgreSQL and a real receiver on 127.0.0.1:
// notifications are stored with the alert, so they survive a restart, and each one is sent
// once even with two senders.
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AlertNotifier as Notifier } from '../../lib/alerts/notifier';
import { createSender, type Sender } from '../../lib/delivery/sender';
import { newId } from '../../lib/ids';
import { TEST_ENCRYPTION_KEY } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type ReceivedRequest, type Receiver, startReceiver } from '../support/receiver';
import { waitFor } from '../support/scenario';

const SECRET = 'whsec_' + Buffer.from('notifier-test-secret-of-32-bytes').toString('base64');

let db: TestDatabase;
let sql: pg.Pool;
let receiver: Receiver;
let sender: Sender;
let lib: {
  AlertNotifier: typeof import('../../lib/alerts/notifier').AlertNotifier;
  raiseAlert: typeof import('../../lib/alerts/store').raiseAlert;
  resolveAlert: typeof import('../../lib/alerts/store').resolveAlert;
  pool: typeof import('../../lib/db/pool').pool;
};

beforeAll(async () => {
  db = await createTestDatabase('alert_notifier');
  // The lib modules read these on first use, so they are set before the imports below.
  process.env.DATABASE_URL = db.url;
  process.env.SWITCHYARD_ENCRYPTION_KEY = TEST_ENCRYPTION_KEY;
  process.env.SWITCHYARD_LOG_LEVEL = 'silent';
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  const [notifier, store, pool] = await Promise.all([
    import('../../lib/alerts/notifier'),
    import('../../lib/alerts/store'),
    import('../../lib/db/pool'),
  ]);
  lib = { AlertNotifier: notifier.AlertNotifier, raiseAlert: store.raiseAlert, resolveAlert: store.resolveAlert, pool: pool.pool };
  receiver = await startReceiver();
  sender = createSender({ allowPrivateTargets: true });
});

afterAll(async () => {
  await sender?.close();
  await receiver?.close();
  await lib?.pool().end();
  await sql?.end();
  await db?.drop();
});

/**
 * Points the receiver at `status()` and returns a notifier that sends to it, with short
 * retry and breaker timings. Each call starts from an empty receiver log.
 */
function notifier(status: () => number): Notifier {
  receiver.log.length = 0;
  receiver.setBehaviour(() => ({ status: status() }));
  return new lib.AlertNotifier({
    url: receiver.url,
    secret: SECRET,
    sender,
    db: lib.pool,
    clock: () => performance.now(),
    random: () => 0.5,
    pollMs: 20,
    baseDelayMs: 20,
    breaker: { resetTimeoutMs: 1_000, resetJitter: 0 },
  });
}

/** Returns the webhook-id of each request the receiver got, in order. */
function webhookIds(requests: ReceivedRequest[] = receiver.log): string[] {
  return requests.map((r) => String(r.headers['webhook-id']));
}

/** Creates an endpoint and raises an alert on it, storing the raise notification. */
async function raise(): Promise<string> {
  const endpointId = newId('endpoint');
  await sql.query(
    `INSERT INTO endpoints (id, name, url, signing_secret, breaker_config, retry_config) VALUES ($1, 'ep', 'http://127.0.0.1:9/hook', 'x', '{}', '{}')`,
    [endpointId],
  );
  const alert = await lib.raiseAlert({ endpointId, kind: 'sustained_open', tier: 'critical', startedAt: Date.now(), details: { state: 'open' } }, Date.now(), true);
  return alert!.id;
}

async function row(id: string): Promise<{ attempts: number; sent: boolean; failed: boolean; last_error: string | null }> {
  const result = await sql.query('SELECT attempts, sent_at IS NOT NULL AS sent, failed_at IS NOT NULL AS failed, last_error FROM alert_notifications WHERE id = $1', [id]);
  return result.rows[0];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AlertNotifier', () => {
  it('sends a stored notification, signed', async () => {
    const sending = notifier(() => 204);
    sending.start();
    try {
      const alertId = await raise();
      sending.wake();
      await waitFor(async () => receiver.log.length === 1 || null, 5_000, 'the notification');
      const request = receiver.log[0];
      expect(request.headers['webhook-id']).toBe(`${alertId}.raised`);
      const payload = new Webhook(SECRET).verify(request.body.toString('utf8'), {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      }) as { type: string; data: { id: string } };
      expect(payload.type).toBe('alert.raised');
      expect(payload.data.id).toBe(alertId);
      await waitFor(async () => (await row(`${alertId}.raised`)).sent || null, 5_000, 'sent_at');
    } finally {
      sending.stop();
    }
  });

  it('sends what was stored before a restart', async () => {
    // Raised while no notifier runs, as after a crash between the raise and the send.
    const alertId = await raise();
    const restarted = notifier(() => 200);
    restarted.start();
    try {
      await waitFor(async () => (await row(`${alertId}.raised`)).sent || null, 5_000, 'the stored notification');
      expect(webhookIds()).toEqual([`${alertId}.raised`]);
    } finally {
      restarted.stop();
    }
  });

  it('retries, then waits at the open breaker', async () => {
    let up = false;
    const sending = notifier(() => (up ? 200 : 500));
    const alertId = await raise();
    sending.start();
    try {
      // Three failures at about 0, 20 and 60 ms trip the breaker (3 calls, all failed).
      await waitFor(async () => receiver.log.length >= 3 || null, 5_000, 'three attempts');
      await sleep(300);
      expect(receiver.log).toHaveLength(3);
      expect(await row(`${alertId}.raised`)).toMatchObject({ attempts: 3, sent: false, failed: false, last_error: 'HTTP 500' });

      // After the 1 s reset timeout one probe goes out; it succeeds.
      up = true;
      await waitFor(async () => (await row(`${alertId}.raised`)).sent || null, 5_000, 'the probe');
      expect(receiver.log).toHaveLength(4);
      expect(new Set(webhookIds())).toEqual(new Set([`${alertId}.raised`]));
      expect((await row(`${alertId}.raised`)).attempts).toBe(4);
    } finally {
      sending.stop();
    }
  });

  it('gives up on a rejected notification', async () => {
    const sending = notifier(() => 400);
    const alertId = await raise();
    sending.start();
    try {
      await waitFor(async () => (await row(`${alertId}.raised`)).failed || null, 5_000, 'failed_at');
      await sleep(100);
      expect(receiver.log).toHaveLength(1);
      expect((await row(`${alertId}.raised`)).last_error).toBe('HTTP 400');
    } finally {
      sending.stop();
    }
  });

  it('sends a resolve only after its raise', async () => {
    const alertId = await raise();
    await lib.resolveAlert(alertId, {}, Date.now(), true);
    // The raise is not due yet, so the resolve must wait for it.
    await sql.query(`UPDATE alert_notifications SET next_attempt_at = now() + interval '1 second' WHERE id = $1`, [`${alertId}.raised`]);
    const sending = notifier(() => 200);
    sending.start();
    try {
      await sleep(300);
      expect(receiver.log).toHaveLength(0);
      await waitFor(async () => (await row(`${alertId}.resolved`)).sent || null, 5_000, 'the resolve');
      expect(webhookIds()).toEqual([`${alertId}.raised`, `${alertId}.resolved`]);
    } finally {
      sending.stop();
    }
  });

  it('sends each notification once with two senders', async () => {
    const senders = [notifier(() => 200), notifier(() => 200)];
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(`${await raise()}.raised`);
    for (const sending of senders) sending.start();
    try {
      await waitFor(async () => {
        const sent = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_notifications WHERE id = ANY($1) AND sent_at IS NOT NULL', [ids]);
        return sent.rows[0].n === ids.length || null;
      }, 5_000, 'all six sent');
      expect(webhookIds().sort()).toEqual([...ids].sort());
    } finally {
      for (const sending of senders) sending.stop();
    }
  });
});
