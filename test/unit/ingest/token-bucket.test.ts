import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullBucket, refill, take, type TokenBucketState } from '../../../lib/ingest/token-bucket';

describe('token bucket', () => {
  it('refills continuously, not in whole seconds', () => {
    const state = refill({ tokens: 0, updatedAt: 1_000 }, 10, 100, 1_500);
    expect(state).toEqual({ tokens: 5, updatedAt: 1_500 });
    expect(refill({ tokens: 0, updatedAt: 0 }, 10, 100, 25).tokens).toBeCloseTo(0.25, 12);
  });

  it('caps tokens at burst', () => {
    expect(refill({ tokens: 3, updatedAt: 0 }, 10, 20, 60_000).tokens).toBe(20);
    expect(refill({ tokens: 50, updatedAt: 0 }, 10, 20, 0).tokens).toBe(20);
  });

  it('starts a new client full', () => {
    expect(fullBucket(20, 7)).toEqual({ tokens: 20, updatedAt: 7 });
  });

  it('takes tokens while there are enough', () => {
    let state: TokenBucketState = fullBucket(3, 0);
    const outcomes: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const result = take(state, 1, 3, 0);
      outcomes.push(result.allowed);
      state = result.state;
    }
    expect(outcomes).toEqual([true, true, true, false]);
    expect(state.tokens).toBe(0);
  });

  it('returns the wait for the missing fraction', () => {
    const empty = take({ tokens: 0, updatedAt: 0 }, 10, 5, 0);
    expect(empty.allowed).toBe(false);
    expect(empty.retryAfterMs).toBe(100);

    const quarter = take({ tokens: 0.25, updatedAt: 0 }, 10, 5, 0);
    expect(quarter.retryAfterMs).toBe(75);

    const costly = take({ tokens: 1, updatedAt: 0 }, 2, 5, 0, 3);
    expect(costly.retryAfterMs).toBe(1_000);
  });

  it('allows a request after retryAfterMs', () => {
    const rejected = take({ tokens: 0.4, updatedAt: 1_000 }, 3, 5, 1_000);
    expect(rejected.allowed).toBe(false);
    expect(rejected.retryAfterMs).toBe(200);
    expect(take(rejected.state, 3, 5, 1_000 + rejected.retryAfterMs - 1).allowed).toBe(false);
    expect(take(rejected.state, 3, 5, 1_000 + rejected.retryAfterMs).allowed).toBe(true);
  });

  it('returns 0 retryAfterMs when allowed', () => {
    const result = take(fullBucket(5, 0), 1, 5, 0);
    expect(result.allowed).toBe(true);
    expect(result.retryAfterMs).toBe(0);
    expect(result.state.tokens).toBe(4);
  });

  it('never allows a cost above burst', () => {
    const result = take(fullBucket(5, 0), 1, 5, 0, 6);
    expect(result.allowed).toBe(false);
    expect(result.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('never refills at rate 0', () => {
    const result = take({ tokens: 0, updatedAt: 0 }, 0, 5, 1_000_000);
    expect(result.allowed).toBe(false);
    expect(result.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('ignores a clock that steps back', () => {
    const state = refill({ tokens: 2, updatedAt: 10_000 }, 10, 100, 4_000);
    expect(state).toEqual({ tokens: 2, updatedAt: 10_000 });
    const result = take({ tokens: 0, updatedAt: 10_000 }, 10, 100, 9_000);
    expect(result.allowed).toBe(false);
    expect(result.retryAfterMs).toBe(1_100);
  });

  it('rejects invalid limits', () => {
    expect(() => refill(fullBucket(1, 0), -1, 1, 0)).toThrow(RangeError);
    expect(() => refill(fullBucket(1, 0), Number.NaN, 1, 0)).toThrow(RangeError);
    expect(() => refill(fullBucket(1, 0), 1, Number.POSITIVE_INFINITY, 0)).toThrow(RangeError);
    expect(() => take(fullBucket(1, 0), 1, 1, 0, -1)).toThrow(RangeError);
  });

  it('admits at most burst plus rate times elapsed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 1_000, noNaN: true }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 2_000 }), { minLength: 1, maxLength: 200 }),
        (rate, burst, gaps) => {
          let state = fullBucket(burst, 0);
          let now = 0;
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            const result = take(state, rate, burst, now);
            state = result.state;
            if (result.allowed) allowed += 1;
            expect(state.tokens).toBeGreaterThanOrEqual(0);
            expect(state.tokens).toBeLessThanOrEqual(burst);
            expect(result.retryAfterMs).toBeGreaterThanOrEqual(0);
          }
          expect(allowed).toBeLessThanOrEqual(burst + (rate * now) / 1000 + 1e-9);
        },
      ),
    );
  });

  it('always allows a request once retryAfterMs has passed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 10_000, noNaN: true }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 10 ** 12 }),
        (rate, burst, fill, now) => {
          const cost = 1;
          const rejected = take({ tokens: Math.min(fill, 0.999), updatedAt: now }, rate, burst, now, cost);
          expect(rejected.allowed).toBe(false);
          const later = take(rejected.state, rate, burst, now + rejected.retryAfterMs, cost);
          expect(later.allowed).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
