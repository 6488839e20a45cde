import { describe, expect, it } from 'vitest';

import { CircuitBreaker, type CircuitBreakerOptions } from '../../../lib/breaker/circuit-breaker';
import { classifyResponse } from '../../../lib/breaker/classify';
import type { BreakerConfigInput } from '../../../lib/breaker/config';
import type { CallResult, TransitionPlan } from '../../../lib/breaker/types';

const T0 = 1_700_000_000_000;

/** Creates a breaker without jitter that logs its transitions. */
function createBreaker(config: BreakerConfigInput = {}, options: CircuitBreakerOptions = {}) {
  const transitions: TransitionPlan[] = [];
  const breaker = new CircuitBreaker(
    { resetJitter: 0, ...config },
    { snapshot: undefined, random: () => 0.5, onTransition: (plan) => transitions.push(plan), ...options },
  );
  return { breaker, transitions };
}

/** Admits and completes one call that lasts `durationMs`, and returns the admission. */
function call(breaker: CircuitBreaker, now: number, result: CallResult, durationMs = 20) {
  const admission = breaker.tryAcquire(now);
  if (admission.kind !== 'wait') breaker.record(result, now, durationMs, now + durationMs);
  return admission;
}

/** Trips a default breaker with 20 failures, one every 100 ms from `start`, and returns the trip time. */
function trip(breaker: CircuitBreaker, start = T0): number {
  let now = start;
  for (let i = 0; i < 20; i++) {
    call(breaker, now, 'failure');
    now += 100;
  }
  expect(breaker.snapshot().state).toBe('open');
  return breaker.snapshot().since;
}

describe('CircuitBreaker trip', () => {
  it('stays closed when minimum volume is never reached', () => {
    const { breaker, transitions } = createBreaker();

    // One failure every 4 s keeps 15 calls in the 60 s window, below minVolume 20.
    for (let now = T0; now < T0 + 3_600_000; now += 4000) {
      expect(call(breaker, now, 'failure')).toEqual({ kind: 'send' });
    }

    expect(breaker.snapshot().state).toBe('closed');
    expect(transitions).toHaveLength(0);
  });

  it('trips at the threshold only after minVolume', () => {
    const { breaker, transitions } = createBreaker();
    let now = T0;
    for (let i = 0; i < 10; i++) call(breaker, (now += 100), 'failure');
    for (let i = 0; i < 9; i++) call(breaker, (now += 100), 'success');
    expect(breaker.snapshot().state).toBe('closed');

    // The 20th call brings the window to minVolume with 10 of 20 failed: rate 0.5 trips.
    call(breaker, (now += 100), 'success');

    expect(breaker.snapshot().state).toBe('open');
    expect(transitions).toHaveLength(1);
    expect(transitions[0].transition.reason).toBe('failure_rate');
    expect(transitions[0].transition.window).toMatchObject({ calls: 20, failures: 10, errorRate: 0.5 });
  });

  it('stays closed just under the threshold', () => {
    const { breaker } = createBreaker();
    let now = T0;
    for (let i = 0; i < 100; i++) call(breaker, (now += 100), i % 5 < 2 ? 'failure' : 'success');

    expect(breaker.snapshot().state).toBe('closed');
  });

  it('trips on p95 when a fast endpoint turns slow', () => {
    const { breaker, transitions } = createBreaker();
    let now = T0;
    for (let i = 0; i < 200; i++) call(breaker, (now += 100), 'success', 40 + (i % 30));
    expect(breaker.snapshot().state).toBe('closed');

    // Error-free but slow: 2.5 s per call. The p95 crosses 2 s once more than 5 % of the
    // 200 calls in the window are slow, so the 11th slow call trips it.
    let slowCalls = 0;
    while (breaker.snapshot().state === 'closed' && slowCalls < 100) {
      call(breaker, (now += 100), 'success', 2500);
      slowCalls += 1;
    }

    expect(slowCalls).toBe(11);
    expect(transitions[0].transition.reason).toBe('latency');
    expect(transitions[0].transition.window?.failures).toBe(0);
    expect(transitions[0].transition.window?.latencyPercentileMs).toBeGreaterThanOrEqual(2000);
  });

  it('trips on latency when fast calls expire', () => {
    const { breaker, transitions } = createBreaker();
    // 600 fast calls in the first bucket, then 25 slow ones: 4 % slow, under the p95.
    for (let i = 0; i < 600; i++) call(breaker, T0 + i, 'success', 30);
    for (let i = 0; i < 25; i++) call(breaker, T0 + 50_000 + i, 'success', 2500);
    expect(breaker.snapshot().state).toBe('closed');

    // Once the first bucket expires, one more fast call leaves 25 of 26 calls slow.
    call(breaker, T0 + 60_000, 'success', 30);

    expect(breaker.snapshot().state).toBe('open');
    expect(transitions[0].transition.reason).toBe('latency');
  });

  it('keeps closed through a 4xx flood', () => {
    const { breaker } = createBreaker();
    const statuses = [400, 401, 403, 404, 409, 413, 415, 422];
    let now = T0;
    for (let i = 0; i < 1000; i++) {
      const outcome = classifyResponse({ status: statuses[i % statuses.length] }, now);
      expect(outcome.delivery).toBe('dead');
      call(breaker, (now += 10), outcome.breaker);
    }

    expect(breaker.snapshot().state).toBe('closed');
    expect(breaker.windowStats(now).calls).toBe(1000);
    expect(breaker.windowStats(now).failures).toBe(0);
  });

  it('ignores throttled and ignored results in the window', () => {
    const { breaker } = createBreaker();
    let now = T0;
    for (let i = 0; i < 50; i++) call(breaker, (now += 10), i % 2 ? 'throttled' : 'ignored');

    expect(breaker.windowStats(now).calls).toBe(0);
  });
});

describe('CircuitBreaker recovery', () => {
  it('waits for the reset timeout', () => {
    const { breaker } = createBreaker();
    const trippedAt = trip(breaker);

    expect(breaker.tryAcquire(trippedAt + 29_999)).toEqual({ kind: 'wait', until: trippedAt + 30_000, reason: 'open' });
    expect(breaker.tryAcquire(trippedAt + 30_000)).toEqual({ kind: 'probe' });
    expect(breaker.snapshot()).toMatchObject({ state: 'half_open', since: trippedAt + 30_000 });
  });

  it('admits one probe in half-open', () => {
    const { breaker } = createBreaker();
    const probeAt = trip(breaker) + 30_000;

    // A slow probe is in flight, so a second request must wait for it.
    expect(breaker.tryAcquire(probeAt)).toEqual({ kind: 'probe' });
    expect(breaker.tryAcquire(probeAt + 5000)).toEqual({ kind: 'wait', until: null, reason: 'half_open_busy' });
    expect(breaker.probesInFlight).toBe(1);

    breaker.record('success', probeAt, 8000, probeAt + 8000);
    expect(breaker.probesInFlight).toBe(0);
    expect(breaker.tryAcquire(probeAt + 8000)).toEqual({ kind: 'wait', until: probeAt + 9000, reason: 'probe_spacing' });
    expect(breaker.tryAcquire(probeAt + 9000)).toEqual({ kind: 'probe' });
  });

  it('re-opens when a probe fails', () => {
    const { breaker, transitions } = createBreaker();
    const probeAt = trip(breaker) + 30_000;
    breaker.tryAcquire(probeAt);

    const plan = breaker.record('failure', probeAt, 100, probeAt + 100);

    expect(plan?.transition.reason).toBe('probe_failed');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', failedRecoveries: 1, probeAt: probeAt + 100 + 60_000 });
    expect(transitions.map((entry) => entry.transition.to)).toEqual(['open', 'half_open', 'open']);
  });

  it('closes after N successful probes', () => {
    const { breaker, transitions } = createBreaker({ successThreshold: 3 });
    let now = trip(breaker) + 30_000;

    for (let i = 0; i < 3; i++) {
      expect(breaker.tryAcquire(now)).toEqual({ kind: 'probe' });
      breaker.record('success', now, 50, now + 50);
      now += 1050;
    }

    expect(breaker.snapshot()).toMatchObject({ state: 'closed', failedRecoveries: 0 });
    expect(transitions.at(-1)?.transition.reason).toBe('probes_succeeded');
    expect(breaker.tryAcquire(now)).toEqual({ kind: 'send' });
  });

  it('doubles the open time per failed recovery', () => {
    const { breaker } = createBreaker();
    let now = trip(breaker);
    const openTimes: number[] = [];

    for (let attempt = 0; attempt < 7; attempt++) {
      const { probeAt, since } = breaker.snapshot();
      openTimes.push(probeAt! - since);
      now = probeAt!;
      expect(breaker.tryAcquire(now)).toEqual({ kind: 'probe' });
      breaker.record('failure', now, 10, now);
    }

    expect(openTimes).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000]);
  });

  it('ignores a late success from before the trip', () => {
    const { breaker } = createBreaker({ successThreshold: 1 });
    // This call starts while closed and returns long after the breaker tripped.
    const lateStart = T0;
    expect(breaker.tryAcquire(lateStart)).toEqual({ kind: 'send' });
    const probeAt = trip(breaker, T0 + 10) + 30_000;
    expect(breaker.tryAcquire(probeAt)).toEqual({ kind: 'probe' });

    expect(breaker.record('success', lateStart, 40_000, probeAt + 10)).toBeNull();

    expect(breaker.snapshot()).toMatchObject({ state: 'half_open', halfOpenSuccesses: 0 });
    expect(breaker.probesInFlight).toBe(1);
  });

  it('ignores a late failure from before the trip', () => {
    const { breaker } = createBreaker();
    breaker.tryAcquire(T0);
    const probeAt = trip(breaker, T0 + 10) + 30_000;
    breaker.tryAcquire(probeAt);

    expect(breaker.record('failure', T0, 40_000, probeAt + 10)).toBeNull();
    expect(breaker.snapshot().state).toBe('half_open');
  });

  it('frees a never-returning probe at lease expiry', () => {
    const { breaker } = createBreaker();
    const probeAt = trip(breaker) + 30_000;
    const leaseMs = 15_000;
    expect(breaker.tryAcquire(probeAt)).toEqual({ kind: 'probe' });

    expect(breaker.releaseExpiredProbe(probeAt + leaseMs - 1, leaseMs)).toBe(0);
    expect(breaker.tryAcquire(probeAt + leaseMs - 1).kind).toBe('wait');

    expect(breaker.releaseExpiredProbe(probeAt + leaseMs, leaseMs)).toBe(1);
    expect(breaker.probesInFlight).toBe(0);
    expect(breaker.tryAcquire(probeAt + leaseMs)).toEqual({ kind: 'probe' });
  });

  it('re-opens a half-open that exceeds maxHalfOpenMs', () => {
    const { breaker, transitions } = createBreaker({ maxHalfOpenMs: 120_000 });
    const probeAt = trip(breaker) + 30_000;
    breaker.tryAcquire(probeAt);

    expect(breaker.tryAcquire(probeAt + 119_999).kind).toBe('wait');
    expect(breaker.snapshot().state).toBe('half_open');

    breaker.tryAcquire(probeAt + 120_000);
    expect(transitions.at(-1)?.transition.reason).toBe('half_open_timeout');
    expect(breaker.snapshot()).toMatchObject({ state: 'open', failedRecoveries: 1, probeAt: probeAt + 180_000 });
  });

  it('drops the result of a probe that outlived half-open', () => {
    const { breaker } = createBreaker({ maxHalfOpenMs: 60_000 });
    const probeAt = trip(breaker) + 30_000;
    breaker.tryAcquire(probeAt);

    expect(breaker.record('success', probeAt, 70_000, probeAt + 70_000)).toBeNull();
    expect(breaker.snapshot()).toMatchObject({ state: 'open', halfOpenSuccesses: 0 });
    expect(breaker.probesInFlight).toBe(0);
  });

  it('starts a fresh window after closing', () => {
    const { breaker } = createBreaker({ successThreshold: 1 });
    const probeAt = trip(breaker) + 30_000;
    breaker.tryAcquire(probeAt);
    breaker.record('success', probeAt, 10, probeAt + 10);
    expect(breaker.snapshot().state).toBe('closed');

    expect(breaker.windowStats(probeAt + 10).calls).toBe(0);
    call(breaker, probeAt + 20, 'failure');
    expect(breaker.snapshot().state).toBe('closed');
  });

  it('ramps up concurrency after closing', () => {
    const { breaker } = createBreaker({ successThreshold: 1, maxConcurrent: 16, rampUpMs: 30_000 });
    const probeAt = trip(breaker) + 30_000;
    expect(breaker.concurrencyLimit(probeAt - 1)).toBe(0);

    breaker.tryAcquire(probeAt);
    expect(breaker.concurrencyLimit(probeAt)).toBe(1);
    breaker.record('success', probeAt, 10, probeAt + 10);

    expect(breaker.concurrencyLimit(probeAt + 10)).toBe(1);
    expect(breaker.concurrencyLimit(probeAt + 15_010)).toBe(8);
    expect(breaker.concurrencyLimit(probeAt + 30_010)).toBe(16);
  });
});

describe('CircuitBreaker operator states', () => {
  it('holds forced_open until expiry', () => {
    const { breaker, transitions } = createBreaker();
    breaker.override('force_open', T0, T0 + 60_000);

    expect(breaker.tryAcquire(T0 + 59_999)).toEqual({ kind: 'wait', until: T0 + 60_000, reason: 'forced_open' });
    expect(breaker.tryAcquire(T0 + 60_000)).toEqual({ kind: 'send' });
    expect(transitions.map((entry) => entry.transition.reason)).toEqual(['override_force_open', 'override_expired']);
  });

  it('holds disabled until released', () => {
    const { breaker } = createBreaker();
    breaker.override('disable', T0);

    expect(breaker.tryAcquire(T0 + 1e9)).toEqual({ kind: 'wait', until: null, reason: 'disabled' });
    breaker.override('release', T0 + 1e9);
    expect(breaker.tryAcquire(T0 + 1e9)).toEqual({ kind: 'send' });
  });

  it('records would-trip in forced_closed', () => {
    const { breaker, transitions } = createBreaker();
    breaker.override('force_closed', T0);

    let now = T0;
    for (let i = 0; i < 20; i++) expect(call(breaker, (now += 100), 'failure')).toEqual({ kind: 'send' });

    expect(breaker.snapshot()).toMatchObject({ state: 'forced_closed', version: 2 });
    expect(transitions[1].transition).toMatchObject({
      from: 'forced_closed',
      to: 'forced_closed',
      reason: 'would_trip_failure_rate',
    });
    // The breach starts a new window, so the next would-trip needs minVolume new calls.
    for (let i = 0; i < 19; i++) call(breaker, (now += 100), 'failure');
    expect(transitions).toHaveLength(2);
    call(breaker, (now += 100), 'failure');
    expect(transitions).toHaveLength(3);
  });

  it('records would-trip latency in metrics_only', () => {
    const { breaker, transitions } = createBreaker();
    breaker.override('metrics_only', T0);

    let now = T0;
    for (let i = 0; i < 20; i++) call(breaker, (now += 100), 'success', 3000);

    expect(breaker.snapshot().state).toBe('metrics_only');
    expect(transitions.at(-1)?.transition.reason).toBe('would_trip_latency');
  });

  it('disables on 410 Gone', () => {
    const { breaker } = createBreaker();
    const outcome = classifyResponse({ status: 410 }, T0);
    call(breaker, T0, outcome.breaker);
    expect(outcome.delivery).toBe('gone');

    expect(breaker.gone(T0)?.transition.reason).toBe('endpoint_gone');
    expect(breaker.gone(T0 + 1)).toBeNull();
    expect(breaker.tryAcquire(T0 + 1)).toMatchObject({ kind: 'wait', reason: 'disabled' });
  });
});

describe('CircuitBreaker throttling', () => {
  it('pauses after a 429', () => {
    const { breaker } = createBreaker();
    const outcome = classifyResponse({ status: 429, retryAfter: '5' }, T0);
    call(breaker, T0, outcome.breaker);
    breaker.pause(outcome.pauseMs!, T0);

    expect(breaker.tryAcquire(T0 + 4999)).toEqual({ kind: 'wait', until: T0 + 5000, reason: 'paused' });
    expect(breaker.tryAcquire(T0 + 5000)).toEqual({ kind: 'send' });
    expect(breaker.snapshot().version).toBe(0);
  });
});

describe('CircuitBreaker serialisation', () => {
  it('round-trips through JSON', () => {
    const { breaker } = createBreaker({ minVolume: 50 });
    let now = T0;
    for (let i = 0; i < 30; i++) call(breaker, (now += 1000), i % 2 ? 'failure' : 'success', 100 + i * 100);

    const json = JSON.parse(JSON.stringify(breaker));
    const copy = CircuitBreaker.fromJSON(json, { random: () => 0.5 });

    expect(copy.snapshot()).toEqual(breaker.snapshot());
    expect(copy.config).toEqual(breaker.config);
    expect(copy.windowStats(now)).toEqual(breaker.windowStats(now));

    // Both trip on the same call.
    for (let i = 0; i < 20; i++) {
      call(breaker, (now += 100), 'failure');
      call(copy, now, 'failure');
      expect(copy.snapshot()).toEqual(breaker.snapshot());
    }
    expect(copy.snapshot().state).toBe('open');
  });

  it('keeps probes in flight', () => {
    const { breaker } = createBreaker();
    const probeAt = trip(breaker) + 30_000;
    breaker.tryAcquire(probeAt);

    const copy = CircuitBreaker.fromJSON(breaker.toJSON());
    expect(copy.probesInFlight).toBe(1);
    expect(copy.tryAcquire(probeAt + 1).kind).toBe('wait');
  });

  it('rejects invalid settings', () => {
    expect(() => new CircuitBreaker({ bucketSeconds: 7 })).toThrow(
      'CircuitBreaker: invalid breaker settings: bucketSeconds must divide windowSeconds (60); got 7',
    );
  });
});
