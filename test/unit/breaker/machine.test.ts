import { describe, expect, it } from 'vitest';

import { DEFAULT_BREAKER_CONFIG, type BreakerConfig } from '../../../lib/breaker/config';
import { binIndex, emptyHistogram } from '../../../lib/breaker/histogram';
import {
  admission,
  applyOverride,
  initialSnapshot,
  onGone,
  onProbeResult,
  onWindow,
  tick,
  withPause,
} from '../../../lib/breaker/machine';
import type { BreakerSnapshot, OverrideAction, WindowStats } from '../../../lib/breaker/types';

const config: BreakerConfig = { ...DEFAULT_BREAKER_CONFIG, resetJitter: 0 };
const middle = () => 0.5;
const T0 = 1_000_000;

function snapshot(fields: Partial<BreakerSnapshot>): BreakerSnapshot {
  return Object.freeze({ ...initialSnapshot(T0), ...fields });
}

const openSnapshot = snapshot({ state: 'open', version: 1, since: T0, probeAt: T0 + 30_000 });
const halfOpenSnapshot = snapshot({ state: 'half_open', version: 2, since: T0, nextProbeAt: T0 });

function failingStats(calls = 20): WindowStats {
  const histogram = emptyHistogram();
  histogram[binIndex(10)] = calls;
  return { calls, failures: calls, slow: 0, histogram };
}

function slowStats(calls = 20): WindowStats {
  const histogram = emptyHistogram();
  histogram[binIndex(5000)] = calls;
  return { calls, failures: 0, slow: calls, histogram };
}

describe('initialSnapshot', () => {
  it('starts closed at version 0', () => {
    expect(initialSnapshot(42)).toEqual({
      state: 'closed',
      version: 0,
      since: 42,
      probeAt: null,
      failedRecoveries: 0,
      halfOpenSuccesses: 0,
      nextProbeAt: null,
      pausedUntil: null,
      expiresAt: null,
    });
  });
});

describe('admission', () => {
  it.each(['closed', 'forced_closed', 'metrics_only'] as const)('sends in %s', (state) => {
    expect(admission(snapshot({ state }), config, T0, 0)).toEqual({ kind: 'send' });
  });

  it.each(['closed', 'forced_closed', 'metrics_only'] as const)('waits for a pause in %s', (state) => {
    const paused = snapshot({ state, pausedUntil: T0 + 5000 });

    expect(admission(paused, config, T0, 0)).toEqual({ kind: 'wait', until: T0 + 5000, reason: 'paused' });
    expect(admission(paused, config, T0 + 5000, 0)).toEqual({ kind: 'send' });
  });

  it('waits in open until probeAt', () => {
    expect(admission(openSnapshot, config, T0, 0)).toEqual({ kind: 'wait', until: T0 + 30_000, reason: 'open' });
    // Only tick moves open to half_open, so admission keeps waiting past probeAt.
    expect(admission(openSnapshot, config, T0 + 40_000, 0).kind).toBe('wait');
  });

  it('waits in forced_open until expiry', () => {
    const forced = snapshot({ state: 'forced_open', expiresAt: T0 + 60_000 });
    expect(admission(forced, config, T0, 0)).toEqual({ kind: 'wait', until: T0 + 60_000, reason: 'forced_open' });
  });

  it('waits in disabled', () => {
    expect(admission(snapshot({ state: 'disabled' }), config, T0, 0)).toEqual({
      kind: 'wait',
      until: null,
      reason: 'disabled',
    });
  });

  it('admits one probe in half_open', () => {
    expect(admission(halfOpenSnapshot, config, T0, 0)).toEqual({ kind: 'probe' });
    expect(admission(halfOpenSnapshot, config, T0, 1)).toEqual({ kind: 'wait', until: null, reason: 'half_open_busy' });
  });

  it('admits up to halfOpenMaxConcurrent probes', () => {
    const three = { ...config, halfOpenMaxConcurrent: 3 };
    expect(admission(halfOpenSnapshot, three, T0, 2).kind).toBe('probe');
    expect(admission(halfOpenSnapshot, three, T0, 3).kind).toBe('wait');
  });

  it('spaces probes in half_open', () => {
    const spaced = snapshot({ ...halfOpenSnapshot, nextProbeAt: T0 + 900 });

    expect(admission(spaced, config, T0, 0)).toEqual({ kind: 'wait', until: T0 + 900, reason: 'probe_spacing' });
    expect(admission(spaced, config, T0 + 900, 0)).toEqual({ kind: 'probe' });
  });

  it('holds probes during a pause', () => {
    const paused = snapshot({ ...halfOpenSnapshot, pausedUntil: T0 + 2000 });
    expect(admission(paused, config, T0, 0)).toEqual({ kind: 'wait', until: T0 + 2000, reason: 'paused' });
  });
});

describe('tick', () => {
  it('moves open to half_open after the reset timeout', () => {
    expect(tick(openSnapshot, config, T0 + 29_999, middle)).toBeNull();

    const plan = tick(openSnapshot, config, T0 + 30_000, middle);
    expect(plan?.transition).toEqual({ from: 'open', to: 'half_open', reason: 'reset_timeout', window: null });
    expect(plan?.next).toMatchObject({
      state: 'half_open',
      version: 2,
      since: T0 + 30_000,
      probeAt: null,
      nextProbeAt: T0 + 30_000,
      halfOpenSuccesses: 0,
    });
  });

  it('re-opens a half_open older than maxHalfOpenMs', () => {
    expect(tick(halfOpenSnapshot, config, T0 + 119_999, middle)).toBeNull();

    const plan = tick(halfOpenSnapshot, config, T0 + 120_000, middle);
    expect(plan?.transition.reason).toBe('half_open_timeout');
    expect(plan?.next).toMatchObject({
      state: 'open',
      version: 3,
      since: T0 + 120_000,
      failedRecoveries: 1,
      probeAt: T0 + 120_000 + 60_000,
    });
  });

  it('does nothing in closed', () => {
    expect(tick(snapshot({}), config, T0 + 1e9, middle)).toBeNull();
  });

  it.each(['forced_open', 'forced_closed', 'disabled', 'metrics_only'] as const)('expires %s', (state) => {
    const forced = snapshot({ state, version: 4, expiresAt: T0 + 60_000, failedRecoveries: 2 });

    expect(tick(forced, config, T0 + 59_999, middle)).toBeNull();
    const plan = tick(forced, config, T0 + 60_000, middle);
    expect(plan?.transition).toEqual({ from: state, to: 'closed', reason: 'override_expired', window: null });
    expect(plan?.next).toMatchObject({ state: 'closed', version: 5, since: T0 + 60_000, expiresAt: null });
  });

  it.each(['forced_open', 'forced_closed', 'disabled', 'metrics_only'] as const)('keeps %s without expiry', (state) => {
    expect(tick(snapshot({ state }), config, T0 + 1e12, middle)).toBeNull();
  });
});

describe('onWindow', () => {
  it('opens a closed breaker on failures', () => {
    const plan = onWindow(snapshot({}), config, failingStats(), T0 + 5000, middle);

    expect(plan?.transition.from).toBe('closed');
    expect(plan?.transition.to).toBe('open');
    expect(plan?.transition.reason).toBe('failure_rate');
    expect(plan?.transition.window).toMatchObject({ calls: 20, failures: 20, errorRate: 1 });
    expect(plan?.next).toMatchObject({ state: 'open', version: 1, since: T0 + 5000, probeAt: T0 + 35_000 });
  });

  it('opens a closed breaker on latency', () => {
    expect(onWindow(snapshot({}), config, slowStats(), T0, middle)?.transition.reason).toBe('latency');
  });

  it('uses failedRecoveries for the reset delay', () => {
    const plan = onWindow(snapshot({ failedRecoveries: 2 }), config, failingStats(), T0, middle);
    expect(plan?.next.probeAt).toBe(T0 + 120_000);
  });

  it('stays closed below minVolume', () => {
    expect(onWindow(snapshot({}), config, failingStats(19), T0, middle)).toBeNull();
  });

  it.each(['forced_closed', 'metrics_only'] as const)('records would-trip in %s', (state) => {
    const forced = snapshot({ state, version: 7, since: T0 - 500, expiresAt: T0 + 1e6 });

    const failure = onWindow(forced, config, failingStats(), T0, middle);
    expect(failure?.transition).toMatchObject({ from: state, to: state, reason: 'would_trip_failure_rate' });
    expect(failure?.transition.window?.failures).toBe(20);
    expect(failure?.next).toEqual({ ...forced, version: 8 });

    const latency = onWindow(forced, config, slowStats(), T0, middle);
    expect(latency?.transition.reason).toBe('would_trip_latency');
  });

  it.each(['open', 'half_open', 'forced_open', 'disabled'] as const)('ignores the window in %s', (state) => {
    expect(onWindow(snapshot({ state }), config, failingStats(), T0, middle)).toBeNull();
  });
});

describe('onProbeResult', () => {
  it('re-opens on a failed probe', () => {
    const plan = onProbeResult(halfOpenSnapshot, config, 'failure', T0, T0 + 100, middle);

    expect(plan?.transition).toEqual({ from: 'half_open', to: 'open', reason: 'probe_failed', window: null });
    expect(plan?.next).toMatchObject({ state: 'open', version: 3, failedRecoveries: 1, probeAt: T0 + 100 + 60_000 });
  });

  it('doubles the reset delay per failed recovery', () => {
    const second = snapshot({ ...halfOpenSnapshot, failedRecoveries: 1 });
    expect(onProbeResult(second, config, 'failure', T0, T0, middle)?.next.probeAt).toBe(T0 + 120_000);
  });

  it('closes after successThreshold successes', () => {
    let s: BreakerSnapshot = halfOpenSnapshot;
    let now = T0;
    for (let i = 1; i < config.successThreshold; i++) {
      const update = onProbeResult(s, config, 'success', now, now + 50, middle);
      expect(update?.transition).toBeNull();
      expect(update?.next).toMatchObject({ state: 'half_open', version: 2, halfOpenSuccesses: i, nextProbeAt: now + 1050 });
      s = update!.next;
      now += 1050;
    }

    const plan = onProbeResult(s, config, 'success', now, now + 50, middle);
    expect(plan?.transition).toEqual({ from: 'half_open', to: 'closed', reason: 'probes_succeeded', window: null });
    expect(plan?.next).toMatchObject({ state: 'closed', version: 3, failedRecoveries: 0, halfOpenSuccesses: 0 });
  });

  it('ignores a result that started before half_open', () => {
    expect(onProbeResult(halfOpenSnapshot, config, 'success', T0 - 1, T0 + 10, middle)).toBeNull();
    expect(onProbeResult(halfOpenSnapshot, config, 'failure', T0 - 1, T0 + 10, middle)).toBeNull();
  });

  it.each(['throttled', 'ignored'] as const)('does not count %s', (result) => {
    expect(onProbeResult(halfOpenSnapshot, config, result, T0, T0 + 10, middle)).toBeNull();
  });

  it.each(['closed', 'open', 'forced_open', 'forced_closed', 'disabled', 'metrics_only'] as const)(
    'ignores probes in %s',
    (state) => {
      expect(onProbeResult(snapshot({ state }), config, 'failure', T0, T0, middle)).toBeNull();
    },
  );
});

describe('applyOverride', () => {
  it.each([
    ['force_open', 'forced_open'],
    ['force_closed', 'forced_closed'],
    ['disable', 'disabled'],
    ['metrics_only', 'metrics_only'],
  ] as const)('%s enters %s', (action, state) => {
    const plan = applyOverride(openSnapshot, action, T0 + 10, T0 + 3_600_000);

    expect(plan.transition).toEqual({ from: 'open', to: state, reason: `override_${action}`, window: null });
    expect(plan.next).toMatchObject({
      state,
      version: 2,
      since: T0 + 10,
      probeAt: null,
      expiresAt: T0 + 3_600_000,
    });
  });

  it('releases to closed', () => {
    const forced = snapshot({ state: 'forced_open', version: 5, expiresAt: T0 + 99, failedRecoveries: 3 });
    const plan = applyOverride(forced, 'release', T0 + 10, T0 + 5000);

    expect(plan.transition).toEqual({ from: 'forced_open', to: 'closed', reason: 'override_release', window: null });
    expect(plan.next).toMatchObject({ state: 'closed', version: 6, expiresAt: null, failedRecoveries: 0 });
  });

  it('keeps since when the state stays', () => {
    const forced = snapshot({ state: 'forced_open', version: 5, since: T0 - 100, expiresAt: T0 + 99 });
    const plan = applyOverride(forced, 'force_open', T0, null);

    expect(plan.next).toMatchObject({ state: 'forced_open', version: 6, since: T0 - 100, expiresAt: null });
  });
});

describe('operator states', () => {
  const actions: OverrideAction[] = ['force_open', 'force_closed', 'disable', 'metrics_only'];

  it('are never left by automatic steps before expiry', () => {
    for (const action of actions) {
      const s = applyOverride(openSnapshot, action, T0, T0 + 60_000).next;
      for (const now of [T0, T0 + 30_000, T0 + 59_999]) {
        expect(tick(s, config, now, middle)).toBeNull();
        expect(onProbeResult(s, config, 'success', now, now, middle)).toBeNull();
        expect(onProbeResult(s, config, 'failure', now, now, middle)).toBeNull();
        const windowPlan = onWindow(s, config, failingStats(), now, middle);
        if (windowPlan !== null) expect(windowPlan.next.state).toBe(s.state);
      }
      expect(tick(s, config, T0 + 60_000, middle)?.next.state).toBe('closed');
    }
  });
});

describe('onGone', () => {
  it('disables the breaker', () => {
    const plan = onGone(snapshot({ state: 'forced_closed', version: 3, expiresAt: T0 + 5 }), T0 + 1);

    expect(plan?.transition).toEqual({ from: 'forced_closed', to: 'disabled', reason: 'endpoint_gone', window: null });
    expect(plan?.next).toMatchObject({ state: 'disabled', version: 4, since: T0 + 1, expiresAt: null });
  });

  it('does nothing when already disabled', () => {
    expect(onGone(snapshot({ state: 'disabled' }), T0)).toBeNull();
  });
});

describe('withPause', () => {
  it('extends the pause and keeps the version', () => {
    const paused = withPause(snapshot({ version: 3 }), 5000, T0);
    expect(paused).toMatchObject({ state: 'closed', version: 3, pausedUntil: T0 + 5000 });

    expect(withPause(paused, 1000, T0).pausedUntil).toBe(T0 + 5000);
    expect(withPause(paused, 9000, T0).pausedUntil).toBe(T0 + 9000);
  });

  it('survives transitions', () => {
    const paused = withPause(snapshot({}), 5000, T0);
    const plan = onWindow(paused, config, failingStats(), T0, middle);
    expect(plan?.next.pausedUntil).toBe(T0 + 5000);
  });
});

describe('machine purity', () => {
  it('never changes its input', () => {
    // Every snapshot above is frozen, so a write would have thrown. This checks the values too.
    const before = JSON.stringify(halfOpenSnapshot);
    onProbeResult(halfOpenSnapshot, config, 'success', T0, T0, middle);
    onProbeResult(halfOpenSnapshot, config, 'failure', T0, T0, middle);
    tick(halfOpenSnapshot, config, T0 + 1e9, middle);
    applyOverride(halfOpenSnapshot, 'force_open', T0, null);
    withPause(halfOpenSnapshot, 1000, T0);

    expect(JSON.stringify(halfOpenSnapshot)).toBe(before);
  });
});
