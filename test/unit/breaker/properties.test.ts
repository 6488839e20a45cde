import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CircuitBreaker } from '../../../lib/breaker/circuit-breaker';
import { BreakerConfigSchema, type BreakerConfig } from '../../../lib/breaker/config';
import { isOperatorState } from '../../../lib/breaker/machine';
import { evaluateTrip } from '../../../lib/breaker/trip';
import {
  BREAKER_STATES,
  type Admission,
  type BreakerSnapshot,
  type BreakerStateName,
  type CallResult,
  type OverrideAction,
  type TransitionPlan,
} from '../../../lib/breaker/types';

type Command =
  | { kind: 'advance'; ms: number }
  | { kind: 'acquire' }
  | { kind: 'call'; result: CallResult; durationMs: number }
  | { kind: 'complete'; pick: number; result: CallResult; durationMs: number }
  | { kind: 'stale'; result: CallResult; ageMs: number }
  | { kind: 'override'; action: OverrideAction; expiresInMs: number | null }
  | { kind: 'gone' }
  | { kind: 'pause'; ms: number }
  | { kind: 'releaseExpired'; leaseMs: number };

const resultArbitrary = fc.constantFrom<CallResult>('success', 'success', 'success', 'failure', 'failure', 'throttled', 'ignored');

const durationArbitrary = fc.oneof(
  fc.integer({ min: 0, max: 200 }),
  fc.integer({ min: 1500, max: 5000 }),
  fc.integer({ min: 0, max: 120_000 }),
);

const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 90,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 3000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 10_000_000 }) },
      ),
    }),
  },
  {
    weight: 180,
    arbitrary: fc.record({ kind: fc.constant('call' as const), result: resultArbitrary, durationMs: durationArbitrary }),
  },
  { weight: 45, arbitrary: fc.record({ kind: fc.constant('acquire' as const) }) },
  {
    weight: 45,
    arbitrary: fc.record({
      kind: fc.constant('complete' as const),
      pick: fc.nat(),
      result: resultArbitrary,
      durationMs: durationArbitrary,
    }),
  },
  {
    weight: 18,
    arbitrary: fc.record({
      kind: fc.constant('stale' as const),
      result: resultArbitrary,
      ageMs: fc.integer({ min: 1, max: 100_000 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('override' as const),
      action: fc.constantFrom<OverrideAction>('force_open', 'force_closed', 'disable', 'metrics_only', 'release', 'release'),
      expiresInMs: fc.option(fc.integer({ min: 0, max: 600_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gone' as const) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 1000, max: 60_000 }) }) },
  {
    weight: 18,
    arbitrary: fc.record({ kind: fc.constant('releaseExpired' as const), leaseMs: fc.integer({ min: 0, max: 60_000 }) }),
  },
);

/** Small settings, so that a short command sequence visits every state. */
const configArbitrary: fc.Arbitrary<BreakerConfig> = fc
  .record({
    window: fc.constantFrom([60, 10], [10, 1], [30, 30], [60, 1]),
    minVolume: fc.integer({ min: 1, max: 8 }),
    failureRateThreshold: fc.constantFrom(0.25, 0.5, 1),
    latencyPercentile: fc.constantFrom(0.5, 0.95, 0.99),
    resetTimeoutMs: fc.integer({ min: 1, max: 20_000 }),
    resetJitter: fc.constantFrom(0, 0.2, 1),
    halfOpenMaxConcurrent: fc.integer({ min: 1, max: 3 }),
    successThreshold: fc.integer({ min: 1, max: 4 }),
    probeIntervalMs: fc.integer({ min: 0, max: 2000 }),
    maxHalfOpenMs: fc.integer({ min: 1, max: 30_000 }),
  })
  .map(({ window, ...rest }) =>
    BreakerConfigSchema.parse({ ...rest, windowSeconds: window[0], bucketSeconds: window[1], maxResetTimeoutMs: 60_000, maxConcurrent: 8 }),
  );

const HALTED_STATES = new Set<BreakerStateName>(['open', 'forced_open', 'disabled']);

function expectAdmissionAllowed(kind: Admission['kind'], state: BreakerStateName): void {
  if (kind !== 'wait') expect(HALTED_STATES.has(state), `${kind} admitted in ${state}`).toBe(false);
}

/** Tells whether a command is automatic. Only operator commands and a 410 may leave an operator state. */
function isAutomatic(command: Command): boolean {
  return command.kind !== 'override' && command.kind !== 'gone';
}

function runScenario(config: BreakerConfig, commands: Command[], seed: number): void {
  let randomState = seed;
  const random = () => {
    randomState = (randomState * 1_103_515_245 + 12_345) % 2 ** 31;
    return randomState / 2 ** 31;
  };
  const plans: TransitionPlan[] = [];
  const breaker = new CircuitBreaker(config, { random, onTransition: (plan) => plans.push(plan) });
  const inFlight: number[] = [];
  const bucketCount = config.windowSeconds / config.bucketSeconds;
  let now = 1_000_000;

  for (const command of commands) {
    const before: BreakerSnapshot = breaker.snapshot();
    plans.length = 0;

    switch (command.kind) {
      case 'advance':
        now += command.ms;
        breaker.tick(now);
        break;
      case 'acquire': {
        const admission = breaker.tryAcquire(now);
        expectAdmissionAllowed(admission.kind, breaker.snapshot().state);
        if (admission.kind !== 'wait') inFlight.push(now);
        break;
      }
      case 'call':
      case 'complete': {
        let startedAt: number;
        if (command.kind === 'call') {
          const admission = breaker.tryAcquire(now);
          expectAdmissionAllowed(admission.kind, breaker.snapshot().state);
          if (admission.kind === 'wait') break;
          startedAt = now;
        } else {
          if (inFlight.length === 0) break;
          [startedAt] = inFlight.splice(command.pick % inFlight.length, 1);
        }

        // A call ends after its duration, or now if it was started long ago.
        now = Math.max(now, startedAt + command.durationMs);
        const closedBefore = breaker.snapshot().state === 'closed';
        const plan = breaker.record(command.result, startedAt, now - startedAt, now);

        // Skipping latency evaluations must never hide a trip.
        const after = breaker.snapshot();
        if (plan === null && closedBefore && after.state === 'closed' && startedAt >= after.since) {
          expect(evaluateTrip(breaker.windowStats(now), config)).toBeNull();
        }
        break;
      }
      case 'stale': {
        // Apply what is due first, so that only the outcome itself could change the state.
        breaker.tick(now);
        const ticked = breaker.snapshot();
        const plan = breaker.record(command.result, ticked.since - command.ageMs, 10, now);
        expect(plan).toBeNull();
        expect(breaker.snapshot()).toEqual(ticked);
        break;
      }
      case 'override':
        breaker.override(command.action, now, command.expiresInMs === null ? null : now + command.expiresInMs);
        break;
      case 'gone':
        breaker.gone(now);
        break;
      case 'pause':
        breaker.pause(command.ms, now);
        break;
      case 'releaseExpired':
        breaker.releaseExpiredProbe(now, command.leaseMs);
        break;
    }

    const after = breaker.snapshot();

    // Every plan increments the version by exactly one, in order.
    expect(after.version - before.version).toBe(plans.length);
    let version = before.version;
    let state = before.state;
    for (const plan of plans) {
      expect(plan.next.version).toBe(version + 1);
      expect(plan.transition.from).toBe(state);
      expect(plan.transition.to).toBe(plan.next.state);
      version = plan.next.version;
      state = plan.next.state;
    }

    expect(BREAKER_STATES).toContain(after.state);
    expect(breaker.probesInFlight).toBeLessThanOrEqual(config.halfOpenMaxConcurrent);

    if (isAutomatic(command) && isOperatorState(before.state)) {
      const expired = before.expiresAt !== null && before.expiresAt <= now;
      if (!expired) expect(after.state).toBe(before.state);
    }

    // Memory stays bounded: a fixed ring of buckets.
    expect(breaker.bucketCount).toBe(bucketCount);
    expect(breaker.windowBuckets(now).length).toBeLessThanOrEqual(bucketCount);
  }
}

describe('breaker properties', () => {
  it('hold for random command sequences', () => {
    fc.assert(
      fc.property(configArbitrary, fc.array(commandArbitrary, { maxLength: 300 }), fc.nat(), runScenario),
      { numRuns: 400 },
    );
  });

  it('hold for long sequences with default settings', () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { minLength: 500, maxLength: 2000 }), fc.nat(), (commands, seed) =>
        runScenario(BreakerConfigSchema.parse({ minVolume: 5 }), commands, seed),
      ),
      { numRuns: 30 },
    );
  });
});
