// The breaker state machine over BreakerSnapshot. Every function is pure: it returns a new
// snapshot and never changes its input. A TransitionPlan increments `version` by exactly one
// and sets `since` to `now` when the state changes. The caller stores a plan with
// compare-and-set on the old version.

import { probeSpacing, resetDelay, type RandomSource } from './backoff';
import type { BreakerConfig } from './config';
import { evaluateTrip, type TripDecision } from './trip';
import {
  OPERATOR_STATES,
  type Admission,
  type BreakerSnapshot,
  type BreakerStateName,
  type CallResult,
  type OperatorState,
  type OverrideAction,
  type TransitionPlan,
  type TransitionReason,
  type WindowFigures,
} from './types';
import type { WindowStatsView } from './window';

/** A change of fields that is not a transition, such as one more successful probe. */
export type SnapshotUpdate = { next: BreakerSnapshot; transition: null };

const SEND: Admission = Object.freeze({ kind: 'send' });
const PROBE: Admission = Object.freeze({ kind: 'probe' });

const OVERRIDE_TARGETS: Record<OverrideAction, BreakerStateName> = {
  force_open: 'forced_open',
  force_closed: 'forced_closed',
  disable: 'disabled',
  metrics_only: 'metrics_only',
  release: 'closed',
};

export function isOperatorState(state: BreakerStateName): state is OperatorState {
  return (OPERATOR_STATES as readonly string[]).includes(state);
}

export function initialSnapshot(now: number): BreakerSnapshot {
  return {
    state: 'closed',
    version: 0,
    since: now,
    probeAt: null,
    failedRecoveries: 0,
    halfOpenSuccesses: 0,
    nextProbeAt: null,
    pausedUntil: null,
    expiresAt: null,
  };
}

/**
 * Builds a plan into state `to`. The state-specific fields (probeAt, halfOpenSuccesses,
 * nextProbeAt, expiresAt) start empty unless `fields` sets them. failedRecoveries and
 * pausedUntil carry over unless `fields` sets them.
 */
function planTransition(
  s: BreakerSnapshot,
  to: BreakerStateName,
  reason: TransitionReason,
  now: number,
  fields: Partial<BreakerSnapshot> = {},
  window: WindowFigures | null = null,
): TransitionPlan {
  const next: BreakerSnapshot = {
    ...s,
    probeAt: null,
    halfOpenSuccesses: 0,
    nextProbeAt: null,
    expiresAt: null,
    ...fields,
    state: to,
    version: s.version + 1,
    since: to === s.state ? s.since : now,
  };
  return { next, transition: { from: s.state, to, reason, window } };
}

function wait(until: number | null, reason: Extract<Admission, { kind: 'wait' }>['reason']): Admission {
  return { kind: 'wait', until, reason };
}

/**
 * Decides whether one call may start at `now`. Closed, forced_closed and metrics_only send
 * unless a throttle pause is running. Half-open admits a probe while fewer than
 * halfOpenMaxConcurrent are in flight and the probe spacing has passed, and a throttle
 * pause stops probes too. Open, forced_open and disabled never admit a call. This function never
 * changes the state: `tick` moves an open breaker to half-open.
 */
export function admission(
  s: BreakerSnapshot,
  config: Pick<BreakerConfig, 'halfOpenMaxConcurrent'>,
  now: number,
  probesInFlight: number,
): Admission {
  const paused = s.pausedUntil !== null && s.pausedUntil > now;

  switch (s.state) {
    case 'closed':
    case 'forced_closed':
    case 'metrics_only':
      return paused ? wait(s.pausedUntil, 'paused') : SEND;
    case 'open':
      return wait(s.probeAt, 'open');
    case 'forced_open':
      return wait(s.expiresAt, 'forced_open');
    case 'disabled':
      return wait(s.expiresAt, 'disabled');
    case 'half_open':
      if (paused) return wait(s.pausedUntil, 'paused');
      // The permit frees when a probe reports back or its lease expires, a time this
      // function does not know, so the wait has no end time.
      if (probesInFlight >= config.halfOpenMaxConcurrent) return wait(null, 'half_open_busy');
      if (s.nextProbeAt !== null && s.nextProbeAt > now) return wait(s.nextProbeAt, 'probe_spacing');
      return PROBE;
  }
}

/**
 * Applies the time-driven transition due at `now`, or returns null when none is due.
 * Open moves to half_open once probeAt has passed, and an open snapshot without probeAt
 * probes at once. Half_open re-opens after maxHalfOpenMs without a decision. An operator
 * state lapses to closed once its expiresAt has passed.
 */
export function tick(
  s: BreakerSnapshot,
  config: Pick<BreakerConfig, 'maxHalfOpenMs' | 'resetTimeoutMs' | 'maxResetTimeoutMs' | 'resetJitter'>,
  now: number,
  random: RandomSource,
): TransitionPlan | null {
  switch (s.state) {
    case 'closed':
      return null;
    case 'open':
      if (s.probeAt !== null && now < s.probeAt) return null;
      return planTransition(s, 'half_open', 'reset_timeout', now, { nextProbeAt: now });
    case 'half_open': {
      if (now < s.since + config.maxHalfOpenMs) return null;
      const failedRecoveries = s.failedRecoveries + 1;
      return planTransition(s, 'open', 'half_open_timeout', now, {
        failedRecoveries,
        probeAt: now + resetDelay(config, failedRecoveries, random),
      });
    }
    default:
      if (s.expiresAt === null || now < s.expiresAt) return null;
      return planTransition(s, 'closed', 'override_expired', now, { failedRecoveries: 0 });
  }
}

/**
 * Turns a trip decision into a plan. Closed opens, with probeAt after the reset delay for
 * its failedRecoveries. Forced_closed and metrics_only keep their state and get a
 * would_trip_* plan, so that the caller stores the breach. Other states return null.
 */
export function planTrip(
  s: BreakerSnapshot,
  config: Pick<BreakerConfig, 'resetTimeoutMs' | 'maxResetTimeoutMs' | 'resetJitter'>,
  decision: TripDecision,
  now: number,
  random: RandomSource,
): TransitionPlan | null {
  if (s.state === 'closed') {
    const probeAt = now + resetDelay(config, s.failedRecoveries, random);
    return planTransition(s, 'open', decision.reason, now, { probeAt }, decision.figures);
  }

  if (s.state === 'forced_closed' || s.state === 'metrics_only') {
    const reason: TransitionReason = decision.reason === 'failure_rate' ? 'would_trip_failure_rate' : 'would_trip_latency';
    return {
      next: { ...s, version: s.version + 1 },
      transition: { from: s.state, to: s.state, reason, window: decision.figures },
    };
  }
  return null;
}

/**
 * Evaluates the window at `now` and returns the plan it causes, if any (see `planTrip`).
 * `slowInFlight` counts calls still in flight for longer than latencyThresholdMs.
 * NOTE: while forced_closed or metrics_only stays over a threshold, every evaluation returns
 * another would_trip plan. A caller that evaluates often should start a new window after
 * each stored plan (the version changes), so that a breach is not stored once per call.
 */
export function onWindow(
  s: BreakerSnapshot,
  config: BreakerConfig,
  stats: WindowStatsView,
  now: number,
  random: RandomSource,
  slowInFlight = 0,
): TransitionPlan | null {
  if (s.state !== 'closed' && s.state !== 'forced_closed' && s.state !== 'metrics_only') return null;

  const decision = evaluateTrip(stats, config, slowInFlight);
  return decision === null ? null : planTrip(s, config, decision, now, random);
}

/**
 * Applies the result of a half-open probe that started at `startedAt`. A failure re-opens
 * with one more failed recovery, so the reset delay doubles. A success counts towards
 * successThreshold and spaces the next probe by probeIntervalMs ± 20 %. The last success
 * closes and clears failedRecoveries. Returns null for 'throttled' and 'ignored', when the breaker
 * is not half-open, and for a stale result that started before the latest state change.
 */
export function onProbeResult(
  s: BreakerSnapshot,
  config: Pick<
    BreakerConfig,
    'successThreshold' | 'probeIntervalMs' | 'resetTimeoutMs' | 'maxResetTimeoutMs' | 'resetJitter'
  >,
  result: CallResult,
  startedAt: number,
  now: number,
  random: RandomSource,
): TransitionPlan | SnapshotUpdate | null {
  if (s.state !== 'half_open' || startedAt < s.since) return null;

  if (result === 'failure') {
    const failedRecoveries = s.failedRecoveries + 1;
    return planTransition(s, 'open', 'probe_failed', now, {
      failedRecoveries,
      probeAt: now + resetDelay(config, failedRecoveries, random),
    });
  }

  if (result === 'success') {
    const halfOpenSuccesses = s.halfOpenSuccesses + 1;
    if (halfOpenSuccesses >= config.successThreshold) {
      return planTransition(s, 'closed', 'probes_succeeded', now, { failedRecoveries: 0 });
    }
    // Not a transition, so the version stays. A shared store must still guard this update
    // against a concurrent one, for example by compare-and-set on halfOpenSuccesses.
    return {
      next: { ...s, halfOpenSuccesses, nextProbeAt: now + probeSpacing(config, random) },
      transition: null,
    };
  }
  return null;
}

/**
 * Applies an operator action. Every action yields a plan, also when the state stays the same
 * (for example a new expiry). `expiresAt` sets when the operator state lapses back to closed,
 * and release ignores it. Release clears failedRecoveries, the other actions keep it.
 */
export function applyOverride(
  s: BreakerSnapshot,
  action: OverrideAction,
  now: number,
  expiresAt: number | null,
): TransitionPlan {
  const reason = `override_${action}` as const;
  if (action === 'release') return planTransition(s, 'closed', reason, now, { failedRecoveries: 0 });

  return planTransition(s, OVERRIDE_TARGETS[action], reason, now, { expiresAt });
}

/** Disables the breaker after the receiver responded with 410 Gone. Returns null when already disabled. */
export function onGone(s: BreakerSnapshot, now: number): TransitionPlan | null {
  if (s.state === 'disabled') return null;
  return planTransition(s, 'disabled', 'endpoint_gone', now);
}

/** Extends the throttle pause to at least now + pauseMs. Not a transition: the version stays. */
export function withPause(s: BreakerSnapshot, pauseMs: number, now: number): BreakerSnapshot {
  const until = now + pauseMs;
  return { ...s, pausedUntil: s.pausedUntil !== null && s.pausedUntil > until ? s.pausedUntil : until };
}
