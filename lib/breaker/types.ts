// Shared types of the breaker core. Times are milliseconds on the caller's monotonic clock
// (see lib/breaker/clock.ts); the core never reads a clock itself.

export const AUTOMATIC_STATES = ['closed', 'open', 'half_open'] as const;
export const OPERATOR_STATES = ['forced_open', 'forced_closed', 'disabled', 'metrics_only'] as const;
export const BREAKER_STATES = [...AUTOMATIC_STATES, ...OPERATOR_STATES] as const;

export type AutomaticState = (typeof AUTOMATIC_STATES)[number];
export type OperatorState = (typeof OPERATOR_STATES)[number];
export type BreakerStateName = (typeof BREAKER_STATES)[number];

export type OverrideAction = 'force_open' | 'force_closed' | 'disable' | 'metrics_only' | 'release';

/** Plain, JSON-serialisable breaker state; the registry stores exactly these fields. */
export type BreakerSnapshot = {
  state: BreakerStateName;
  /** Incremented by every transition; stale outcomes and lost compare-and-set races use it. */
  version: number;
  /** When the current state was entered. */
  since: number;
  /** Open only: when probing may start. */
  probeAt: number | null;
  /** Consecutive recoveries that failed; doubles the reset timeout each time. */
  failedRecoveries: number;
  /** Half-open only: consecutive successful probes so far. */
  halfOpenSuccesses: number;
  /** Half-open only: earliest start of the next probe (spacing with jitter). */
  nextProbeAt: number | null;
  /** Throttle pause (429, or 503 with Retry-After) shared by every instance; no state change. */
  pausedUntil: number | null;
  /** Operator states only: when the state lapses back to closed on its own. */
  expiresAt: number | null;
};

/** Sums over the buckets of the sliding window that are younger than the window. */
export type WindowStats = {
  calls: number;
  failures: number;
  slow: number;
  /** Latency histogram counts, one per bin of lib/breaker/histogram.ts. */
  histogram: number[];
};

/** The window figures stored with a transition, so an operator can see why it moved. */
export type WindowFigures = {
  calls: number;
  failures: number;
  errorRate: number;
  latencyPercentileMs: number | null;
  percentile: number;
  failureRateThreshold: number;
  latencyThresholdMs: number;
  minVolume: number;
  windowSeconds: number;
};

export type TransitionReason =
  | 'failure_rate'
  | 'latency'
  | 'reset_timeout'
  | 'probe_failed'
  | 'probes_succeeded'
  | 'half_open_timeout'
  | 'would_trip_failure_rate'
  | 'would_trip_latency'
  | 'override_force_open'
  | 'override_force_closed'
  | 'override_disable'
  | 'override_metrics_only'
  | 'override_release'
  | 'override_expired'
  | 'endpoint_gone'
  | 'created';

export type Transition = {
  from: BreakerStateName;
  to: BreakerStateName;
  reason: TransitionReason;
  window: WindowFigures | null;
};

/** A change the caller must store with compare-and-set on `current.version`. */
export type TransitionPlan = {
  next: BreakerSnapshot;
  transition: Transition;
};

/** What the breaker allows for one call right now. */
export type Admission =
  | { kind: 'send' }
  | { kind: 'probe' }
  | { kind: 'wait'; until: number | null; reason: 'open' | 'half_open_busy' | 'probe_spacing' | 'paused' | 'forced_open' | 'disabled' };

/** The breaker's view of one finished call. */
export type CallResult = 'success' | 'failure' | 'throttled' | 'ignored';
