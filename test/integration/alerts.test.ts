import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { findSamples, parseSamples, type Sample } from '../support/prometheus-text';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

const ALERT_SECRET = 'whsec_' + Buffer.from('alert-webhook-test-secret-bytes!').toString('base64');

let db: TestDatabase;
let sql: pg.Client;
let endpointReceiver: Receiver;
let alertReceiver: Receiver;
let first: AppInstance;
let second: AppInstance;
let critical: Gateway;
let standard: Gateway;
let burning: Gateway;
let burningReceiver: Receiver;

type AlertRow = { id: string; kind: string; resolved_at: Date | null };

async function alertRows(endpointId: string): Promise<AlertRow[]> {
  const result = await sql.query<AlertRow>('SELECT id, kind, resolved_at FROM alerts WHERE endpoint_id = $1 ORDER BY id', [endpointId]);
  return result.rows;
}

/** Notifications the alert receiver got, verified with the Standard Webhooks library. */
function notifications(): { type: string; data: { id: string; endpointId: string } }[] {
  const webhook = new Webhook(ALERT_SECRET);
  return alertReceiver.log.map((request) => {
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    return webhook.verify(request.body.toString('utf8'), headers) as { type: string; data: { id: string; endpointId: string } };
  });
}

beforeAll(async () => {
  db = await createTestDatabase('alerts');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  endpointReceiver = await startReceiver(() => ({ status: 200 }));
  alertReceiver = await startReceiver(() => ({ status: 204 }));
  burningReceiver = await startReceiver(() => ({ status: 500 }));
  const env = {
    SWITCHYARD_ALERT_OPEN_CRITICAL_SECONDS: '1',
    SWITCHYARD_ALERT_OPEN_STANDARD_SECONDS: '600',
    SWITCHYARD_ALERT_EVALUATE_MS: '100',
    SWITCHYARD_ALERT_BURN_EVALUATE_MS: '100',
    SWITCHYARD_ALERT_BURN_MIN_ATTEMPTS: '10',
    SWITCHYARD_METRICS_CACHE_MS: '0',
    // Three endpoints exceed this, so metrics aggregate per tier instead of per endpoint.
    SWITCHYARD_METRICS_MAX_ENDPOINTS: '2',
    SWITCHYARD_ALERT_WEBHOOK_URL: alertReceiver.url,
    SWITCHYARD_ALERT_WEBHOOK_SECRET: ALERT_SECRET,
  };
  // Two instances on one database: both evaluate, and the alert must still be raised once.
  [first, second] = await Promise.all([
    startApp({ databaseUrl: db.url, instanceId: 'alerts-a', env }),
    startApp({ databaseUrl: db.url, instanceId: 'alerts-b', env }),
  ]);
  critical = await setupGateway(first, { url: endpointReceiver.url, name: 'payments' });
  standard = await setupGateway(first, { url: endpointReceiver.url, name: 'newsletter' });
  // Never trips and never retries, so each event is exactly one counted attempt.
  burning = await setupGateway(first, { url: burningReceiver.url, name: 'reports', breaker: { minVolume: 1000 }, retry: { maxAttempts: 1, baseDelayMs: 50, maxDelayMs: 100 } });
  expect((await first.api('PATCH', `/api/v1/endpoints/${critical.endpointId}`, { tier: 'critical' })).status).toBe(200);
  // A scrape refreshes each instance's endpoint count at once; otherwise it lags by up to one
  // evaluation cycle, and a transition in that gap would still carry the endpoint label.
  for (const app of [first, second]) expect((await fetch(`${app.url}/api/metrics`)).status).toBe(200);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await endpointReceiver?.close();
  await alertReceiver?.close();
  await burningReceiver?.close();
  await sql?.end();
  await db?.drop();
});

describe('sustained-open alert', () => {
  let alertId: string;

  it('is raised once past the tier limit', async () => {
    for (const gateway of [critical, standard]) {
      const forced = await first.api('POST', `/api/v1/endpoints/${gateway.endpointId}/override`, { action: 'force_open', reason: 'alert test' });
      expect(forced.status).toBe(200);
    }
    const open = await waitFor(
      async () => {
        const list = await second.api('GET', '/api/v1/alerts?status=open');
        return list.body.data.length > 0 ? list.body.data : null;
      },
      10_000,
      'a sustained_open alert',
    );
    expect(open).toHaveLength(1);
    const alert = open[0];
    alertId = alert.id;
    expect(alert.id).toMatch(/^alt_/);
    expect(alert.endpointId).toBe(critical.endpointId);
    expect(alert.endpointName).toBe('payments');
    expect(alert.kind).toBe('sustained_open');
    expect(alert.tier).toBe('critical');
    expect(alert.status).toBe('open');
    expect(alert.details.state).toBe('forced_open');
    expect(alert.details.limitSeconds).toBe(1);
    expect(alert.runbook).toBe('docs/runbooks/sustained-open.md');
    expect(alert.runbookSlug).toBe('sustained-open');
    expect(Date.parse(alert.startedAt) - Date.parse(alert.details.unavailableSince)).toBe(1000);

    // Many evaluation cycles of both instances later, there is still one alert.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await alertRows(critical.endpointId)).toHaveLength(1);
    expect(await alertRows(standard.endpointId)).toHaveLength(0);
  });

  it('notifies the webhook with a valid signature', async () => {
    const received = await waitFor(async () => (alertReceiver.log.length > 0 ? notifications() : null), 10_000, 'the alert notification');
    expect(received).toHaveLength(1);
    expect(received[0].type).toBe('alert.raised');
    expect(received[0].data.id).toBe(alertId);
    expect(alertReceiver.log[0].headers['webhook-id']).toBe(`${alertId}.raised`);
  });

  it('records the first acknowledgement', async () => {
    const ack = await first.api('POST', `/api/v1/alerts/${alertId}/ack`, { note: 'on it' });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgedBy).toBeTruthy();
    expect(ack.body.acknowledgedAt).toBeTruthy();
    const again = await second.api('POST', `/api/v1/alerts/${alertId}/ack`);
    expect(again.status).toBe(200);
    expect(again.body.acknowledgedAt).toBe(ack.body.acknowledgedAt);

    const missing = await first.api('POST', '/api/v1/alerts/alt_missing/ack');
    expect(missing.status).toBe(404);
    const invalid = await first.api('POST', `/api/v1/alerts/${alertId}/ack`, { note: 5 });
    expect(invalid.status).toBe(400);
  });

  it('resolves when the breaker closes', async () => {
    const released = await first.api('POST', `/api/v1/endpoints/${critical.endpointId}/override`, { action: 'release', reason: 'alert test done' });
    expect(released.status).toBe(200);
    await waitFor(async () => (await alertRows(critical.endpointId))[0].resolved_at !== null, 10_000, 'the alert to resolve');

    const open = await first.api('GET', '/api/v1/alerts?status=open');
    expect(open.body.data).toEqual([]);
    const resolved = await first.api('GET', '/api/v1/alerts?status=resolved');
    expect(resolved.body.data.map((a: { id: string }) => a.id)).toEqual([alertId]);
    expect(resolved.body.data[0].status).toBe('resolved');
    expect(resolved.body.data[0].details.resolvedState).toBe('closed');
    const all = await first.api('GET', `/api/v1/alerts?status=all&endpointId=${critical.endpointId}`);
    expect(all.body.data).toHaveLength(1);

    const received = await waitFor(async () => (alertReceiver.log.length > 1 ? notifications() : null), 10_000, 'the resolve notification');
    expect(received.map((n) => n.type)).toEqual(['alert.raised', 'alert.resolved']);
  });

  it('is audited', async () => {
    const audit = await sql.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_entries WHERE action LIKE 'alert.%' AND target_id = $1 ORDER BY seq`,
      [critical.endpointId],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['alert.raise', 'alert.acknowledge', 'alert.resolve']);
    expect(audit.rows[0].actor).toBe('system');
  });

  it('rejects an unknown status filter', async () => {
    const list = await first.api('GET', '/api/v1/alerts?status=closed');
    expect(list.status).toBe(400);
    expect(list.body.error.field).toBe('status');
  });
});

describe('budget-burn alert', () => {
  it('is raised on fast burn and resolved after', async () => {
    for (let i = 0; i < 10; i++) expect((await burning.send(JSON.stringify({ i }))).status).toBe(202);
    const raised = await waitFor(
      async () => (await alertRows(burning.endpointId)).find((a) => a.kind === 'budget_burn'),
      15_000,
      'a budget_burn alert',
    );
    expect(raised.resolved_at).toBeNull();
    const listed = await first.api('GET', `/api/v1/alerts?status=open&endpointId=${burning.endpointId}`);
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0].details.burnRate1h).toBeCloseTo(100, 6);
    expect(listed.body.data[0].runbook).toBe('docs/runbooks/sustained-open.md#error-budget-burn');

    // Both instances read the same shared state, so both report the open alert.
    const scrapes: Sample[][] = [];
    for (const app of [first, second]) {
      const text = await (await fetch(`${app.url}/api/metrics`)).text();
      expect(text).toContain('switchyard_alerts_open{kind="budget_burn",tier="standard"} 1');
      scrapes.push(parseSamples(text));
    }

    // Above SWITCHYARD_METRICS_MAX_ENDPOINTS no series carries an endpoint id.
    const all = scrapes.flat();
    expect(all.filter((sample) => sample.labels.endpoint !== undefined)).toEqual([]);
    expect(findSamples(all, 'switchyard_breaker_state')).toEqual([]);
    const failures = findSamples(all, 'switchyard_delivery_attempts_total', { tier: 'standard', outcome: 'failure' });
    expect(failures.reduce((sum, sample) => sum + sample.value, 0)).toBe(10);
    expect(findSamples(scrapes[0], 'switchyard_dead_letters', { tier: 'standard' }).map((sample) => sample.value)).toEqual([10]);
    expect(findSamples(scrapes[0], 'switchyard_breaker_endpoints', { tier: 'standard', state: 'forced_open' }).map((sample) => sample.value)).toEqual([1]);

    // 90 successes bring the 5-minute error ratio to 10 %, below the 14.4 % that burns a 99 %
    // objective 14.4 times too fast.
    burningReceiver.setBehaviour(() => ({ status: 200 }));
    for (let i = 0; i < 90; i++) expect((await burning.send(JSON.stringify({ i }))).status).toBe(202);
    await waitFor(async () => (await alertRows(burning.endpointId))[0].resolved_at !== null, 20_000, 'the budget_burn alert to resolve');
    expect(await alertRows(burning.endpointId)).toHaveLength(1);
  });
});

describe('runbook routes', () => {
  it('list every runbook', async () => {
    const list = await first.api('GET', '/api/v1/runbooks');
    expect(list.status).toBe(200);
    const slugs = list.body.data.map((r: { slug: string }) => r.slug);
    for (const slug of ['manual-override', 'graceful-degradation', 'sustained-open', 'spoofed-failures', 'state-drift', 'duplicate-processing', 'premature-closure']) {
      expect(slugs).toContain(slug);
    }
  });

  it('return one runbook as Markdown', async () => {
    const runbook = await first.api('GET', '/api/v1/runbooks/sustained-open');
    expect(runbook.status).toBe(200);
    expect(runbook.body.slug).toBe('sustained-open');
    expect(runbook.body.title).toBe('Sustained open state and SLA breach');
    expect(runbook.body.markdown).toContain('switchyard_breaker_open_duration_seconds');
  });

  it('reject unknown and malformed slugs', async () => {
    expect((await first.api('GET', '/api/v1/runbooks/no-such-runbook')).status).toBe(404);
    expect((await first.api('GET', '/api/v1/runbooks/..%2F..%2Fpackage')).status).toBe(404);
  });
});
