// The alert webhook notifier against the real PostgreSQL: notifications are stored with the
// alert, so they survive a restart, and each one is sent once even with two senders. The
// receiver is a fake sender, so no request leaves the process.
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AlertNotifier as Notifier } from '../../lib/alerts/notifier';
import type { SendRequest, SendResult, Sender } from '../../lib/delivery/sender';
import { newId } from '../../lib/ids';
import { TEST_ENCRYPTION_KEY } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/scenario';

const SECRET = 'whsec_' + Buffer.from('notifier-test-secret-of-32-bytes').toString('base64');

let db: TestDatabase;
let sql: pg.Pool;
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
});

afterAll(async () => {
  await lib?.pool().end();
  await sql?.end();
  await db?.drop();
});

/** Returns a sender that records each request and replies with the status `status()` gives. */
function fakeSender(status: () => number | null): Sender & { requests: SendRequest[] } {
  const requests: SendRequest[] = [];
  return {
    requests,
    async send(request): Promise<SendResult> {
      requests.push(request);
      const code = status();
      return {
        status: code,
        error: code === null ? 'network' : null,
        errorMessage: code === null ? 'connect ECONNREFUSED' : null,
        retryAfter: null,
        responseExcerpt: null,
        durationMs: 2,
      };
    },
    async close() {},
  };
}

function notifier(sender: Sender): Notifier {
  return new lib.AlertNotifier({
    url: 'http://127.0.0.1:9/alerts',
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
    const sender = fakeSender(() => 204);
    const sending = notifier(sender);
    sending.start();
    try {
      const alertId = await raise();
      sending.wake();
      await waitFor(async () => sender.requests.length === 1 || null, 5_000, 'the notification');
      const request = sender.requests[0];
      expect(request.headers['webhook-id']).toBe(`${alertId}.raised`);
      const payload = new Webhook(SECRET).verify(Buffer.from(request.body).toString('utf8'), {
        'webhook-id': request.headers['webhook-id'],
        'webhook-timestamp': request.headers['webhook-timestamp'],
        'webhook-signature': request.headers['webhook-signature'],
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
    const sender = fakeSender(() => 200);
    const restarted = notifier(sender);
    restarted.start();
    try {
      await waitFor(async () => (await row(`${alertId}.raised`)).sent || null, 5_000, 'the stored notification');
      expect(sender.requests.map((r) => r.headers['webhook-id'])).toEqual([`${alertId}.raised`]);
    } finally {
      restarted.stop();
    }
  });

  it('retries, then waits at the open breaker', async () => {
    let up = false;
    const sender = fakeSender(() => (up ? 200 : null));
    const sending = notifier(sender);
    const alertId = await raise();
    sending.start();
    try {
      // Three failures at about 0, 20 and 60 ms trip the breaker (3 calls, all failed).
      await waitFor(async () => sender.requests.length >= 3 || null, 5_000, 'three attempts');
      await sleep(300);
      expect(sender.requests).toHaveLength(3);
      expect(await row(`${alertId}.raised`)).toMatchObject({ attempts: 3, sent: false, failed: false });

      // After the 1 s reset timeout one probe goes out; it succeeds.
      up = true;
      await waitFor(async () => (await row(`${alertId}.raised`)).sent || null, 5_000, 'the probe');
      expect(sender.requests).toHaveLength(4);
      expect(new Set(sender.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([`${alertId}.raised`]));
      expect((await row(`${alertId}.raised`)).attempts).toBe(4);
    } finally {
      sending.stop();
    }
  });

  it('gives up on a rejected notification', async () => {
    const sender = fakeSender(() => 400);
    const sending = notifier(sender);
    const alertId = await raise();
    sending.start();
    try {
      await waitFor(async () => (await row(`${alertId}.raised`)).failed || null, 5_000, 'failed_at');
      await sleep(100);
      expect(sender.requests).toHaveLength(1);
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
    const sender = fakeSender(() => 200);
    const sending = notifier(sender);
    sending.start();
    try {
      await sleep(300);
      expect(sender.requests).toHaveLength(0);
      await waitFor(async () => (await row(`${alertId}.resolved`)).sent || null, 5_000, 'the resolve');
      expect(sender.requests.map((r) => r.headers['webhook-id'])).toEqual([`${alertId}.raised`, `${alertId}.resolved`]);
    } finally {
      sending.stop();
    }
  });

  it('sends each notification once with two senders', async () => {
    const first = fakeSender(() => 200);
    const second = fakeSender(() => 200);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(`${await raise()}.raised`);
    const senders = [notifier(first), notifier(second)];
    for (const sending of senders) sending.start();
    try {
      await waitFor(async () => {
        const sent = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_notifications WHERE id = ANY($1) AND sent_at IS NOT NULL', [ids]);
        return sent.rows[0].n === ids.length || null;
      }, 5_000, 'all six sent');
      const sentIds = [...first.requests, ...second.requests].map((r) => r.headers['webhook-id']);
      expect(sentIds.sort()).toEqual([...ids].sort());
    } finally {
      for (const sending of senders) sending.stop();
    }
  });
});
