import { describe, expect, it } from 'vitest';

import { CircuitBreaker } from '../../../lib/breaker/circuit-breaker';
import { monotonicClock } from '../../../lib/breaker/clock';

const HOUR_MS = 60 * 60 * 1000;

/** Wall and monotonic sources that a test moves by hand. */
function fakeSources() {
  const sources = { wall: 1_700_000_000_000, monotonic: 5_000 };
  return {
    sources,
    advance(ms: number) {
      sources.wall += ms;
      sources.monotonic += ms;
    },
    clock: monotonicClock({ wallNow: () => sources.wall, monotonicNow: () => sources.monotonic }),
  };
}

describe('monotonicClock', () => {
  it('starts at the wall-clock time', () => {
    const { clock } = fakeSources();
    expect(clock()).toBe(1_700_000_000_000);
  });

  it('advances with the monotonic source', () => {
    const { clock, advance } = fakeSources();
    advance(2500);
    expect(clock()).toBe(1_700_000_002_500);
  });

  it('ignores a wall-clock step back', () => {
    const { clock, sources, advance } = fakeSources();
    advance(1000);
    sources.wall -= HOUR_MS;

    expect(clock()).toBe(1_700_000_001_000);
  });

  it('does not stretch open after a wall-clock step back', () => {
    const { clock, sources, advance } = fakeSources();
    const breaker = new CircuitBreaker({ minVolume: 5, resetJitter: 0 });

    for (let i = 0; i < 5; i++) {
      const startedAt = clock();
      breaker.tryAcquire(startedAt);
      breaker.record('failure', startedAt, 10, clock());
    }
    expect(breaker.snapshot().state).toBe('open');

    // The system clock jumps back one hour while the breaker is open.
    advance(10_000);
    sources.wall -= HOUR_MS;
    expect(breaker.tryAcquire(clock())).toMatchObject({ kind: 'wait', reason: 'open' });

    // 30 s of real time after the trip, the breaker probes, not an hour later.
    advance(20_000);
    expect(breaker.tryAcquire(clock())).toEqual({ kind: 'probe' });
    expect(breaker.snapshot().state).toBe('half_open');
  });

  it('defaults to Date.now and performance.now', () => {
    const before = Date.now();
    const clock = monotonicClock();
    const reading = clock();

    expect(reading).toBeGreaterThanOrEqual(before);
    expect(reading).toBeLessThan(before + 60_000);
    expect(clock()).toBeGreaterThanOrEqual(reading);
  });
});
