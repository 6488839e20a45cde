import { spawnSync } from 'node:child_process';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, TEST_ADMIN_TOKEN, TEST_ENCRYPTION_KEY, startApp } from '../support/app';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { findSamples, parseSamples, type Sample, sampleValue } from '../support/prometheus-text';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

// A marker in every payload, so the log check can prove no body was logged.
const PAYLOAD_MARKER = 'payload-marker-3e1b07';
const GITHUB_SECRET = 'integration-test-secret';

// The scripted endpoint never trips (minVolume above the run) and never retries, so 30 events
// make exactly 30 attempts.
const STEADY_BREAKER = { minVolume: 1000 };
const ONE_ATTEMPT = { maxAttempts: 1, baseDelayMs: 50, maxDelayMs: 100 };

// The tripping endpoint opens after 5 calls at 50 % failures and probes after 4 s.
const TRIP_BREAKER = {
  windowSeconds: 10,
  bucketSeconds: 1,
  minVolume: 5,
  failureRateThreshold: 0.5,
  resetTimeoutMs: 4000,
  resetJitter: 0,
  successThreshold: 2,
  probeIntervalMs: 100,
  requestTimeoutMs: 2000,
  rampUpMs: 500,
};

let db: TestDatabase;
let sql: pg.Client;
let steadyReceiver: Receiver;
let tripReceiver: Receiver;
let otlpCollector: Receiver;
let app: AppInstance;
let steady: Gateway;
let trip: Gateway;

async function scrape(): Promise<Sample[]> {
  const response = await fetch(`${app.url}/api/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parseSamples(await response.text());
}

async function attemptCount(endpointId: string): Promise<number> {
  const result = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM attempts WHERE endpoint_id = $1', [endpointId]);
  return result.rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase('observability');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  // Every third request fails: 10 of the first 30.
  steadyReceiver = await startReceiver((n) => ({ status: n % 3 === 0 ? 500 : 200 }));
  tripReceiver = await startReceiver(() => ({ status: 503 }));
  otlpCollector = await startReceiver(() => ({ status: 200, body: '{}', headers: { 'content-type': 'application/json' } }));
  app = await startApp({
    databaseUrl: db.url,
    env: {
      SWITCHYARD_METRICS_CACHE_MS: '0',
      SWITCHYARD_LOG_LEVEL: 'debug',
      OTEL_EXPORTER_OTLP_ENDPOINT: new URL(otlpCollector.url).origin,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    },
  });
  steady = await setupGateway(app, { url: steadyReceiver.url, name: 'steady', breaker: STEADY_BREAKER, retry: ONE_ATTEMPT });
  trip = await setupGateway(app, { url: tripReceiver.url, name: 'tripping', breaker: TRIP_BREAKER, retry: { maxAttempts: 50, baseDelayMs: 50, maxDelayMs: 200 } });
  const patched = await app.api('PATCH', `/api/v1/endpoints/${trip.endpointId}`, { tier: 'critical' });
  expect(patched.status).toBe(200);
});

afterAll(async () => {
  await app?.stop();
  await steadyReceiver?.close();
  await tripReceiver?.close();
  await otlpCollector?.close();
  await sql?.end();
  await db?.drop();
});

describe('metrics after a scripted run', () => {
  it('counts attempts by outcome', async () => {
    for (let i = 0; i < 30; i++) {
      expect((await steady.send(JSON.stringify({ i, note: PAYLOAD_MARKER }))).status).toBe(202);
    }
    await waitFor(async () => (await attemptCount(steady.endpointId)) === 30, 30_000, '30 attempts');
    // The counter is recorded before the attempt row is written; both are done by now.
    const samples = await scrape();
    const labels = { endpoint: steady.endpointId, tier: 'standard' };
    expect(sampleValue(samples, 'switchyard_delivery_attempts_total', { ...labels, route: 'primary', outcome: 'success' })).toBe(20);
    expect(sampleValue(samples, 'switchyard_delivery_attempts_total', { ...labels, outcome: 'failure' })).toBe(10);
    expect(sampleValue(samples, 'switchyard_delivery_attempt_duration_seconds_count', { ...labels, outcome: 'success' })).toBe(20);
    expect(sampleValue(samples, 'switchyard_delivery_attempt_duration_seconds_bucket', { ...labels, outcome: 'failure', le: '+Inf' })).toBe(10);
  });

  it('reads queue and budget gauges from the database', async () => {
    const samples = await scrape();
    const labels = { endpoint: steady.endpointId, tier: 'standard' };
    // One attempt each, so every failed delivery is a dead letter and nothing waits.
    expect(sampleValue(samples, 'switchyard_dead_letters', labels)).toBe(10);
    expect(sampleValue(samples, 'switchyard_deliveries_waiting', labels)).toBe(0);
    expect(sampleValue(samples, 'switchyard_breaker_state', { ...labels, state: 'closed' })).toBe(1);
    expect(sampleValue(samples, 'switchyard_breaker_state', { ...labels, state: 'open' })).toBe(0);
    expect(sampleValue(samples, 'switchyard_breaker_open_duration_seconds', labels)).toBe(0);
    // 10 bad of 30 against 99 %: burn rate (1/3) / 0.01, budget 1 minus that.
    expect(sampleValue(samples, 'switchyard_error_budget_burn_rate', { ...labels, window: '1h' })).toBeCloseTo(100 / 3, 6);
    expect(sampleValue(samples, 'switchyard_error_budget_remaining', labels)).toBeCloseTo(1 - 100 / 3, 6);
  });

  it('counts ingress rejections by reason', async () => {
    const rejected = await steady.send('{"forged":true}', { signature: 'sha256=' + '0'.repeat(64) });
    expect(rejected.status).toBe(401);
    const samples = await scrape();
    expect(sampleValue(samples, 'switchyard_ingress_rejections_total', { reason: rejected.body.error.code })).toBe(1);
    // A rejected request touches no breaker: still 30 attempts, no new delivery.
    expect(await attemptCount(steady.endpointId)).toBe(30);
  });
});

describe('exposition format', () => {
  const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

  it.skipIf(!hasPromtool)('passes promtool check metrics', async () => {
    const text = await (await fetch(`${app.url}/api/metrics`)).text();
    const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('OTLP export', () => {
  it('pushes the same instruments', async () => {
    const request = await waitFor(
      async () => otlpCollector.log.find((r) => r.path === '/v1/metrics' && r.body.includes('switchyard_delivery_attempts')),
      10_000,
      'an OTLP export with the attempts counter',
    );
    expect(request.method).toBe('POST');
    expect(request.body.toString('utf8')).toContain('switchyard_breaker_state');
  });
});

describe('SLO endpoint', () => {
  it('agrees with the attempts table', async () => {
    const stored = await sql.query<{ good: number; bad: number }>(
      `SELECT count(*) FILTER (WHERE outcome = 'success')::int AS good,
              count(*) FILTER (WHERE outcome IN ('failure', 'timeout', 'network'))::int AS bad
         FROM attempts WHERE endpoint_id = $1`,
      [steady.endpointId],
    );
    const slo = await app.api('GET', `/api/v1/endpoints/${steady.endpointId}/slo`);
    expect(slo.status).toBe(200);
    expect(slo.body.good).toBe(stored.rows[0].good);
    expect(slo.body.bad).toBe(stored.rows[0].bad);
    expect(slo.body.good).toBe(20);
    expect(slo.body.bad).toBe(10);
    expect(slo.body.objective).toBe(0.99);
    expect(slo.body.windowDays).toBe(30);
    expect(slo.body.burnRate1h).toBeCloseTo(100 / 3, 6);
    expect(slo.body.burnRate6h).toBeCloseTo(100 / 3, 6);
    expect(slo.body.budgetRemaining).toBeCloseTo(1 - 100 / 3, 6);
  });

  it('rejects an unknown endpoint', async () => {
    const slo = await app.api('GET', '/api/v1/endpoints/ep_missing/slo');
    expect(slo.status).toBe(404);
    expect(slo.body.error.code).toBe('not_found');
  });
});

describe('breaker trip in metrics and history', () => {
  it('shows the open state after a trip', async () => {
    for (let i = 0; i < 8; i++) expect((await trip.send(JSON.stringify({ i, note: PAYLOAD_MARKER }))).status).toBe(202);
    const labels = { endpoint: trip.endpointId, tier: 'critical' };
    const samples = await waitFor(
      async () => {
        const current = await scrape();
        const open = findSamples(current, 'switchyard_breaker_state', { ...labels, state: 'open' });
        return open.length === 1 && open[0].value === 1 ? current : null;
      },
      15_000,
      'breaker state gauge to show open',
    );
    expect(sampleValue(samples, 'switchyard_breaker_state', { ...labels, state: 'closed' })).toBe(0);
    expect(sampleValue(samples, 'switchyard_breaker_transitions_total', { endpoint: trip.endpointId, from: 'closed', to: 'open' })).toBe(1);
    expect(sampleValue(samples, 'switchyard_breaker_endpoints', { tier: 'critical', state: 'open' })).toBe(1);
    expect(sampleValue(samples, 'switchyard_breaker_open_duration_seconds', labels)).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'switchyard_deliveries_waiting', labels)).toBeGreaterThan(0);
  });

  it('builds the timeline from stored transitions', async () => {
    const timeline = await app.api('GET', `/api/v1/endpoints/${trip.endpointId}/timeline`);
    expect(timeline.status).toBe(200);
    const stored = await sql.query<{ to_state: string; at: Date; id: string }>(
      'SELECT id, to_state, at FROM transitions WHERE endpoint_id = $1 ORDER BY seq',
      [trip.endpointId],
    );
    const intervals = timeline.body.intervals as { state: string; from: string; to: string; transitionId: string; ongoing: boolean }[];
    expect(intervals.map((i) => i.state)).toEqual(stored.rows.map((r) => r.to_state));
    expect(intervals.map((i) => i.transitionId)).toEqual(stored.rows.map((r) => r.id));
    expect(intervals.map((i) => i.from)).toEqual(stored.rows.map((r) => r.at.toISOString()));
    expect(intervals[intervals.length - 1].state).toBe('open');
    expect(intervals[intervals.length - 1].ongoing).toBe(true);
    expect(timeline.body.openDurations).toHaveLength(1);
    expect(timeline.body.openDurations[0].ongoing).toBe(true);
    expect(timeline.body.markers.map((m: { detail: string[] }) => m.detail)).toContainEqual(['tier']);
  });

  it('reports probes per half-open episode', async () => {
    tripReceiver.setBehaviour(() => ({ status: 200 }));
    await waitFor(
      async () => (await app.api('GET', `/api/v1/endpoints/${trip.endpointId}`)).body.breaker.state === 'closed',
      20_000,
      'breaker to close after probes',
    );
    // The probe that closes the breaker is stored with the next batch of attempts, just after.
    const probes = await waitFor(
      async () => {
        const reply = await app.api('GET', `/api/v1/endpoints/${trip.endpointId}/probes`);
        return reply.body.data?.[0]?.successes === TRIP_BREAKER.successThreshold ? reply : null;
      },
      5_000,
      'the closing probe to be stored',
    );
    expect(probes.status).toBe(200);
    expect(probes.body.data).toHaveLength(1);
    const episode = probes.body.data[0];
    expect(episode.result).toBe('closed');
    expect(episode.endReason).toBe('probes_succeeded');
    expect(episode.successes).toBe(TRIP_BREAKER.successThreshold);
    expect(episode.successRate).toBe(1);
    const storedProbes = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM attempts WHERE endpoint_id = $1 AND probe AND started_at >= $2 AND started_at < $3`,
      [trip.endpointId, episode.startedAt, episode.endedAt],
    );
    expect(episode.probes).toBe(storedProbes.rows[0].n);

    const samples = await scrape();
    expect(sampleValue(samples, 'switchyard_breaker_probes_total', { endpoint: trip.endpointId, result: 'success' })).toBe(TRIP_BREAKER.successThreshold);
    expect(sampleValue(samples, 'switchyard_breaker_transitions_total', { endpoint: trip.endpointId, from: 'half_open', to: 'closed' })).toBe(1);

    const timeline = await app.api('GET', `/api/v1/endpoints/${trip.endpointId}/timeline`);
    const episodes = timeline.body.openDurations;
    expect(episodes).toHaveLength(1);
    expect(episodes[0].ongoing).toBe(false);
    expect(episodes[0].states).toEqual(['open', 'half_open']);
  });

  it('marks overrides on the timeline', async () => {
    const forced = await app.api('POST', `/api/v1/endpoints/${steady.endpointId}/override`, { action: 'force_open', reason: 'receiver maintenance' });
    expect(forced.status).toBe(200);
    const released = await app.api('POST', `/api/v1/endpoints/${steady.endpointId}/override`, { action: 'release', reason: 'maintenance finished' });
    expect(released.status).toBe(200);
    const timeline = await app.api('GET', `/api/v1/endpoints/${steady.endpointId}/timeline`);
    const overrides = timeline.body.markers.filter((m: { kind: string }) => m.kind === 'override');
    expect(overrides.map((m: { reason: string }) => m.reason)).toEqual(['receiver maintenance', 'maintenance finished']);
    expect(overrides.map((m: { detail: string[] }) => m.detail)).toEqual([['forced_open'], ['closed']]);
    expect(timeline.body.intervals.map((i: { state: string }) => i.state)).toEqual(['closed', 'forced_open', 'closed']);
  });
});

describe('structured logs', () => {
  it('name the ids and hide secrets and bodies', async () => {
    const attempt = await sql.query<{ id: string; delivery_id: string }>('SELECT id, delivery_id FROM attempts WHERE endpoint_id = $1 LIMIT 1', [steady.endpointId]);
    const lines = app
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const finished = lines.find((line) => line.attemptId === attempt.rows[0].id);
    expect(finished, 'a log line for the attempt').toBeDefined();
    expect(finished!.deliveryId).toBe(attempt.rows[0].delivery_id);
    expect(finished!.endpointId).toBe(steady.endpointId);
    expect(lines.some((line) => line.msg === 'breaker transition' && line.endpointId === trip.endpointId)).toBe(true);

    const output = app.output();
    expect(output).not.toContain(PAYLOAD_MARKER);
    expect(output).not.toContain(steady.signingSecret);
    expect(output).not.toContain(trip.signingSecret);
    expect(output).not.toContain(GITHUB_SECRET);
    expect(output).not.toContain(TEST_ADMIN_TOKEN);
    expect(output).not.toContain(TEST_ENCRYPTION_KEY);
  });
});
