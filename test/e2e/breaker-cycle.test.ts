import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp, TEST_ADMIN_TOKEN } from '../support/app';
import { type Browser, openBrowser, screenshot } from '../support/browser';
import { headerState, signInWithToken } from '../support/console';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { type Receiver, startReceiver } from '../support/receiver';
import { type Gateway, setupGateway, waitFor } from '../support/scenario';

const EVENTS = 8;

/** How the receiver replies: 500 at once, 200 after 2.5 s (so half-open lasts long enough to see), or 200 at once. */
type Mode = 'fail' | 'slow_ok' | 'ok';

let db: TestDatabase;
let app: AppInstance;
let receiver: Receiver;
let gateway: Gateway;
let browser: Browser;
let mode: Mode = 'ok';

beforeAll(async () => {
  db = await createTestDatabase('e2e_breaker_cycle');
  receiver = await startReceiver(() => {
    if (mode === 'fail') return { status: 500, body: 'receiver down' };
    if (mode === 'slow_ok') return { status: 200, delayMs: 2_500 };
    return { status: 200 };
  });
  app = await startApp({ databaseUrl: db.url });
  gateway = await setupGateway(app, {
    url: receiver.url,
    name: 'payments-hook',
    breaker: {
      windowSeconds: 10,
      bucketSeconds: 1,
      minVolume: 5,
      failureRateThreshold: 0.5,
      latencyThresholdMs: 10_000,
      resetTimeoutMs: 2_000,
      resetJitter: 0,
      successThreshold: 2,
      probeIntervalMs: 100,
    },
    retry: { maxAttempts: 50, baseDelayMs: 100, maxDelayMs: 500, maxAgeMs: 600_000 },
  });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await db?.drop();
});

async function apiState(): Promise<string> {
  const endpoint = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}`);
  return endpoint.body.breaker.state;
}

/** Waits until the receiver has had no request for `quietMs`, so the stored figures stop changing. */
async function waitForQuiet(quietMs: number): Promise<void> {
  await waitFor(
    async () => {
      const last = receiver.log.at(-1);
      return receiver.inFlight() === 0 && (!last || Date.now() - last.finishedAt >= quietMs);
    },
    30_000,
    'the receiver to go quiet',
  );
}

describe('breaker cycle in the console', () => {
  it('cycles closed, open, half-open, closed', async () => {
    const { page } = browser;
    await signInWithToken(page, app, TEST_ADMIN_TOKEN);
    await page.goto(`${app.url}/endpoints/${gateway.endpointId}`);
    await expect.poll(() => headerState(page)).toBe('closed');

    // Closed → open: every call fails, and 5 calls are enough to decide.
    mode = 'fail';
    for (let i = 0; i < EVENTS; i++) expect((await gateway.send(JSON.stringify({ payment: i }))).status).toBe(202);
    await waitFor(async () => (await apiState()) === 'open', 20_000, 'the breaker to open');
    await expect.poll(() => headerState(page), { timeout: 10_000 }).toBe('open');
    await expect.poll(() => page.getByTestId('transition-sentence').innerText()).toMatch(/^Opened .*calls failed in the last 10 s, threshold 50 %/);
    await screenshot(page, 'breaker-cycle-open');

    // Open → half-open after the 2 s reset timeout. Slow successful probes keep it there for about 5 s.
    mode = 'slow_ok';
    await expect.poll(() => headerState(page), { timeout: 15_000, interval: 200 }).toBe('half_open');
    await screenshot(page, 'breaker-cycle-half-open');

    // Half-open → closed after 2 consecutive successful probes.
    mode = 'ok';
    await waitFor(async () => (await apiState()) === 'closed', 20_000, 'the breaker to close');
    await expect.poll(() => headerState(page), { timeout: 10_000 }).toBe('closed');

    const delivered = await waitFor(
      async () => {
        const list = await app.api('GET', `/api/v1/deliveries?endpointId=${gateway.endpointId}&status=delivered&limit=100`);
        return list.body.data.length === EVENTS ? list.body.data : null;
      },
      30_000,
      'every delivery to arrive',
    );
    expect(delivered).toHaveLength(EVENTS);
    await waitForQuiet(1_500);

    // The transitions table lists the three automatic moves, newest first, as the API stores them.
    const transitions = (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}/transitions`)).body.data as Array<{ from: string; to: string; reason: string }>;
    const moves = transitions.map((t) => `${t.from}>${t.to}:${t.reason}`);
    expect(moves).toContain('closed>open:failure_rate');
    expect(moves).toContain('open>half_open:reset_timeout');
    expect(moves).toContain('half_open>closed:probes_succeeded');
    const readTransitionRows = () =>
      page
        .getByTestId('transition-row')
        .evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-from')}>${row.getAttribute('data-to')}:${row.getAttribute('data-reason')}`));
    await expect.poll(readTransitionRows, { timeout: 10_000 }).toEqual(moves.slice(0, 20));

    // The bucket figures under the charts equal the buckets route, bucket for bucket.
    const buckets = (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}/buckets`)).body;
    const expectedRows = [...buckets.data].reverse().map((b: { start: string; calls: number; failures: number }) => ({ start: b.start, calls: b.calls, failures: b.failures }));
    expect(expectedRows.reduce((sum: number, row: { failures: number }) => sum + row.failures, 0)).toBeGreaterThanOrEqual(5);
    const readBucketRows = () =>
      page.getByTestId('bucket-row').evaluateAll((rows) =>
        rows.map((row) => {
          const cells = row.querySelectorAll('td');
          return { start: row.getAttribute('data-start'), calls: Number(cells[0].getAttribute('data-value')), failures: Number(cells[1].getAttribute('data-value')) };
        }),
      );
    await expect.poll(readBucketRows, { timeout: 10_000 }).toEqual(expectedRows);

    // The error-budget figures equal the SLO route's.
    const slo = (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}/slo`)).body;
    expect(slo.bad).toBeGreaterThanOrEqual(5);
    const readSlo = () =>
      page.evaluate(() => {
        const value = (id: string) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-value'));
        return {
          objective: value('slo-objective'),
          good: value('slo-good'),
          bad: value('slo-bad'),
          errorRatio: value('slo-error-ratio'),
          budgetRemaining: value('slo-budget-remaining'),
          burnRate1h: value('slo-burn-1h'),
          burnRate6h: value('slo-burn-6h'),
        };
      });
    await expect
      .poll(readSlo, { timeout: 10_000 })
      .toEqual({
        objective: slo.objective,
        good: slo.good,
        bad: slo.bad,
        errorRatio: slo.errorRatio,
        budgetRemaining: slo.budgetRemaining,
        burnRate1h: slo.burnRate1h,
        burnRate6h: slo.burnRate6h,
      });

    // Each bar sits over its own bucket on the time axis: red at or above the threshold, blue below.
    const failedBucket = buckets.data.find((b: { errorRate: number | null }) => b.errorRate !== null && b.errorRate >= 0.5);
    const healthyBucket = buckets.data.findLast((b: { errorRate: number | null }) => b.errorRate === 0);
    expect(failedBucket).toBeDefined();
    expect(healthyBucket).toBeDefined();
    const bars = await page.getByTestId('error-rate-chart').evaluate((figure, starts) => {
      const axis = figure.querySelector('.recharts-xAxis .recharts-cartesian-axis-line');
      const domainStart = Number(figure.getAttribute('data-domain-start'));
      const domainEnd = Number(figure.getAttribute('data-domain-end'));
      const bucketMs = Number(figure.getAttribute('data-bucket-ms'));
      const x1 = Number(axis?.getAttribute('x1'));
      const x2 = Number(axis?.getAttribute('x2'));
      return starts.map((start) => {
        const bar = figure.querySelector(`rect.window-bar[data-start="${start}"]`);
        const share = (Date.parse(start) + bucketMs / 2 - domainStart) / (domainEnd - domainStart);
        return {
          start,
          fill: bar?.getAttribute('fill') ?? null,
          over: bar?.getAttribute('data-over') ?? null,
          centre: bar ? Number(bar.getAttribute('x')) + Number(bar.getAttribute('width')) / 2 : Number.NaN,
          expectedCentre: x1 + share * (x2 - x1),
        };
      });
    }, [failedBucket.start, healthyBucket.start]);
    expect(bars[0].fill).toBe('#d92d20');
    expect(bars[0].over).toBe('true');
    expect(bars[1].fill).toBe('#3b6fb6');
    expect(bars[1].over).toBe('false');
    for (const bar of bars) expect(Math.abs(bar.centre - bar.expectedCentre)).toBeLessThan(1.5);

    // Hovering a bar shows a bucket's figures in the tooltip. Slots of 1 s are about 1.4 px apart
    // on this axis, so the pointer may land on the neighbouring slot.
    // The chart redraws on every 2 s refresh, and recharts only shows a tooltip after a pointer
    // move, so each poll moves the pointer onto the bar again.
    const failedBar = page.getByTestId('error-rate-chart').locator(`rect.window-bar[data-start="${failedBucket.start}"]`);
    const tooltip = page.getByTestId('error-rate-chart').locator('.chart-tooltip');
    let nudge = 0;
    const hoverAndRead = async () => {
      // The bar moves left as the shown period advances, so its box is read again each time.
      const box = (await failedBar.boundingBox())!;
      nudge = nudge === 0 ? 0.4 : 0;
      await page.mouse.move(box.x + box.width / 2 + nudge, box.y + box.height / 2);
      return (await tooltip.count()) > 0 ? tooltip.innerText() : '';
    };
    await expect.poll(hoverAndRead).toMatch(/^Bucket from .*\((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\)\n(No calls|.* over \d+ calls)/);
    const hoveredUtc = /\((\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\)/.exec(await tooltip.innerText())![1];
    expect(Math.abs(Date.parse(`${hoveredUtc.replace(' ', 'T')}Z`) - Date.parse(failedBucket.start))).toBeLessThanOrEqual(1_000);
    await page.mouse.move(0, 0);

    // The probe panel lists the half-open episode with the probes route's figures.
    const probes = (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}/probes`)).body.data;
    const closing = probes.find((episode: { result: string }) => episode.result === 'closed');
    expect(closing.successes).toBe(2);
    const probeRow = page.locator(`[data-testid="probe-episode-row"][data-transition-id="${closing.transitionId}"]`);
    await expect.poll(() => probeRow.locator('td').nth(4).getAttribute('data-value')).toBe(String(closing.successes));
    expect(await probeRow.locator('td').nth(3).getAttribute('data-value')).toBe(String(closing.probes));
    expect(await probeRow.locator('td').nth(5).getAttribute('data-value')).toBe(String(closing.failures));

    // The state band comes from the stored transitions and marks the endpoint's creation.
    const timeline = (await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}/timeline`)).body;
    const segmentStates = () => page.getByTestId('timeline-segment').evaluateAll((segments) => segments.map((s) => s.getAttribute('data-state')));
    await expect.poll(segmentStates).toEqual(expect.arrayContaining(['closed', 'open', 'half_open']));
    expect(await page.locator('[data-testid="marker-row"][data-kind="config_change"][data-action="endpoint.create"]').count()).toBe(1);

    // Open durations: one episode from the trip to the close, with the timeline route's length.
    // A probe that reached the receiver while it still failed adds a reopen inside the episode.
    expect(timeline.openDurations).toHaveLength(1);
    const episode = timeline.openDurations[0];
    expect(episode.states[0]).toBe('open');
    expect(episode.states.at(-1)).toBe('half_open');
    expect(episode.ongoing).toBe(false);
    const episodeRows = () => page.getByTestId('open-episode-row').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-duration-ms'))));
    await expect.poll(episodeRows).toEqual([episode.durationMs]);

    // The attempts table lists the endpoint's latest attempts as the attempts route does.
    const listed = await app.api('GET', `/api/v1/endpoints/${gateway.endpointId}/attempts?limit=25`);
    const expectedOutcomes = listed.body.data.map((a: { outcome: string }) => a.outcome);
    expect(expectedOutcomes).toContain('failure');
    const shownOutcomes = () => page.getByTestId('attempt-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-outcome')));
    await expect.poll(shownOutcomes).toEqual(expectedOutcomes);

    await screenshot(page, 'breaker-cycle-closed');
    await page.goto(`${app.url}/`);
    await page.getByTestId('endpoint-row').filter({ hasText: 'payments-hook' }).waitFor();
    await screenshot(page, 'breaker-cycle-overview');
  });
});
