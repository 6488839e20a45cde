import { rampUpLimit, type RandomSource } from './backoff';
import { BreakerConfigSchema, type BreakerConfig, type BreakerConfigInput } from './config';
import { binLowerEdge } from './histogram';
import * as machine from './machine';
import { evaluateFailureRate, evaluateLatency, latencyThresholdBin } from './trip';
import type { Admission, BreakerSnapshot, CallResult, OverrideAction, TransitionPlan, WindowStats } from './types';
import { BucketedWindow, type WindowBucket } from './window';

export type CircuitBreakerOptions = {
  /** State to start from, for example one loaded from storage. Defaults to closed at time 0. */
  snapshot?: BreakerSnapshot;
  /** Source of jitter for reset delays and probe spacing. Defaults to Math.random. */
  random?: RandomSource;
  /** Called synchronously after every transition this breaker applies. */
  onTransition?: (plan: TransitionPlan) => void;
};

/** Serialised form of a CircuitBreaker, produced by toJSON. */
export type CircuitBreakerJSON = {
  config: BreakerConfig;
  snapshot: BreakerSnapshot;
  buckets: WindowBucket[];
  /** Start times of the probes still in flight. */
  probeStarts: number[];
};

/**
 * Breaker for one endpoint in one process: the state machine of machine.ts fed by an
 * in-memory BucketedWindow. Times are ms on the caller's clock (see monotonicClock), and
 * nothing here reads a clock or sets a timer. Work per call is O(1), plus one pass over the
 * histogram bins when a bucket expires or a call lands in the latency threshold's bin or
 * above. Memory is bounded: no per-call records, and at most halfOpenMaxConcurrent probe
 * start times.
 *
 * The window belongs to one breaker version: every transition, including a would-trip plan,
 * empties it. Results that started before the latest state change are stale and ignored.
 */
export class CircuitBreaker {
  readonly config: Readonly<BreakerConfig>;
  private current: BreakerSnapshot;
  private readonly window: BucketedWindow;
  private readonly random: RandomSource;
  private readonly onTransition: ((plan: TransitionPlan) => void) | undefined;
  /** Start times of probes in flight, including probes admitted before the latest transition. */
  private probeStarts: number[] = [];

  // State that lets `record` skip the O(bins) latency evaluation, as evaluateWindow explains.
  /** Lower edge of the latency threshold's bin: durations from here up fall in it or above. */
  private readonly latencyGateMs: number;
  private seenRemovals = 0;

  /** Accepts partial settings and fills in defaults. Throws a RangeError naming each invalid one. */
  constructor(config: BreakerConfigInput = {}, options: CircuitBreakerOptions = {}) {
    const parsed = BreakerConfigSchema.safeParse(config);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new RangeError(`CircuitBreaker: invalid breaker settings: ${problems}`);
    }

    this.config = parsed.data;
    this.current = { ...(options.snapshot ?? machine.initialSnapshot(0)) };
    this.window = new BucketedWindow(this.config);
    this.random = options.random ?? Math.random;
    this.onTransition = options.onTransition;
    const thresholdBin = latencyThresholdBin(this.config);
    this.latencyGateMs = thresholdBin === 0 ? -Infinity : binLowerEdge(thresholdBin);
  }

  static fromJSON(json: CircuitBreakerJSON, options: Omit<CircuitBreakerOptions, 'snapshot'> = {}): CircuitBreaker {
    const breaker = new CircuitBreaker(json.config, { ...options, snapshot: json.snapshot });
    breaker.window.restore(json.buckets);
    // Forces a full evaluation on the next call, because nothing is known about this window.
    breaker.seenRemovals = -1;
    breaker.probeStarts = json.probeStarts.slice(0, breaker.config.halfOpenMaxConcurrent);
    return breaker;
  }

  toJSON(): CircuitBreakerJSON {
    return {
      config: { ...this.config },
      snapshot: this.snapshot(),
      buckets: this.window.buckets(),
      probeStarts: [...this.probeStarts],
    };
  }

  snapshot(): BreakerSnapshot {
    return { ...this.current };
  }

  /** Number of admitted probes that have neither reported back nor had their lease expire. */
  get probesInFlight(): number {
    return this.probeStarts.length;
  }

  /** Number of buckets in the window's ring, constant for the life of the breaker. */
  get bucketCount(): number {
    return this.window.bucketCount;
  }

  windowStats(now: number): WindowStats {
    return this.window.stats(now);
  }

  windowBuckets(now?: number): WindowBucket[] {
    return this.window.buckets(now);
  }

  /** Applies the time-driven transition due at `now`, if any, and returns it. */
  tick(now: number): TransitionPlan | null {
    const plan = machine.tick(this.current, this.config, now, this.random);
    return plan === null ? null : this.apply(plan);
  }

  /**
   * Decides whether a call may start at `now`, after applying any transition due. A 'probe'
   * admission takes a permit that frees when `record` gets a result with `startedAt` equal to
   * this `now`, or when `releaseExpiredProbe` finds its lease expired.
   */
  tryAcquire(now: number): Admission {
    this.tick(now);
    const decision = machine.admission(this.current, this.config, now, this.probeStarts.length);
    if (decision.kind === 'probe') this.probeStarts.push(now);
    return decision;
  }

  /**
   * Records the result of a call that started at `startedAt` (the `now` passed to the
   * tryAcquire that admitted it) and took `durationMs`. Frees the call's probe permit, if it
   * was a probe. Returns the transition the result caused, or null.
   *
   * Closed, forced_closed and metrics_only count the call in the window and evaluate the trip
   * rules. Half-open treats the result as a probe result. A result that started before the
   * latest state change changes nothing, and neither does one in open, forced_open or disabled.
   * A throttled result does not pause the endpoint by itself, so call `pause` with its pauseMs.
   */
  record(result: CallResult, startedAt: number, durationMs: number, now: number): TransitionPlan | null {
    if (this.probeStarts.length > 0) this.releaseProbe(startedAt);
    this.tick(now);

    const s = this.current;
    if (startedAt < s.since) return null;

    switch (s.state) {
      case 'closed':
      case 'forced_closed':
      case 'metrics_only':
        return this.recordInWindow(result, durationMs, now);
      case 'half_open': {
        const outcome = machine.onProbeResult(s, this.config, result, startedAt, now, this.random);
        if (outcome === null) return null;
        if (outcome.transition === null) {
          this.current = outcome.next;
          return null;
        }
        return this.apply(outcome);
      }
      default:
        return null;
    }
  }

  /**
   * Frees the permits of probes that started `leaseMs` or longer before `now` and never
   * reported back. Returns the number freed. A result that arrives later is stale and only
   * counts if the breaker has not moved since the probe started.
   */
  releaseExpiredProbe(now: number, leaseMs: number): number {
    const before = this.probeStarts.length;
    this.probeStarts = this.probeStarts.filter((start) => start + leaseMs > now);
    return before - this.probeStarts.length;
  }

  /** Applies an operator action, as machine.applyOverride describes. */
  override(action: OverrideAction, now: number, expiresAt: number | null = null): TransitionPlan {
    return this.apply(machine.applyOverride(this.current, action, now, expiresAt));
  }

  /** Disables the breaker after a 410 Gone. Returns null when it is already disabled. */
  gone(now: number): TransitionPlan | null {
    const plan = machine.onGone(this.current, now);
    return plan === null ? null : this.apply(plan);
  }

  /** Holds calls until at least now + pauseMs, after a throttled response. */
  pause(pauseMs: number, now: number): void {
    this.current = machine.withPause(this.current, pauseMs, now);
  }

  /**
   * Returns how many calls to the endpoint may be in flight at `now`: ramping up from
   * halfOpenMaxConcurrent after closing, halfOpenMaxConcurrent while half-open, maxConcurrent
   * in forced_closed and metrics_only, and 0 while no call may start.
   */
  concurrencyLimit(now: number): number {
    switch (this.current.state) {
      case 'closed':
        return rampUpLimit(this.config, this.current.since, now);
      case 'half_open':
        return this.config.halfOpenMaxConcurrent;
      case 'forced_closed':
      case 'metrics_only':
        return this.config.maxConcurrent;
      default:
        return 0;
    }
  }

  private releaseProbe(startedAt: number): void {
    const index = this.probeStarts.indexOf(startedAt);
    if (index >= 0) this.probeStarts.splice(index, 1);
  }

  private apply(plan: TransitionPlan): TransitionPlan {
    this.current = plan.next;
    this.window.reset();
    this.seenRemovals = this.window.removals;
    this.onTransition?.(plan);
    return plan;
  }

  private recordInWindow(result: CallResult, durationMs: number, now: number): TransitionPlan | null {
    if (!this.window.record(result, durationMs, now)) return null;

    const decision = this.evaluateWindow(durationMs, now);
    if (decision === null) return null;

    const plan = machine.planTrip(this.current, this.config, decision, now, this.random);
    return plan === null ? null : this.apply(plan);
  }

  /**
   * Evaluates the trip rules after one counted call, with the same result as evaluateTrip on
   * the whole window. The failure rate costs O(1) and is always checked. The latency
   * percentile costs O(bins), so it is skipped when it cannot have reached the threshold.
   * After the previous call it was below, because a latency trip always ends in a plan,
   * which empties the window. It stays below when no call has left the window since, the
   * window did not just reach minVolume, and the new call fell below the threshold's bin,
   * because adding a value below the percentile cannot raise it.
   */
  private evaluateWindow(durationMs: number, now: number) {
    const stats = this.window.statsView(now);
    const removals = this.window.removals;
    const mayHaveReachedLatency =
      removals !== this.seenRemovals ||
      stats.calls === this.config.minVolume ||
      durationMs >= this.latencyGateMs;
    this.seenRemovals = removals;

    const failureRate = evaluateFailureRate(stats, this.config);
    if (failureRate !== null || !mayHaveReachedLatency) return failureRate;
    return evaluateLatency(stats, this.config);
  }
}
