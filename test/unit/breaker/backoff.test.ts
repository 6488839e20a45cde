import { describe, expect, it } from 'vitest';

import { probeSpacing, rampUpLimit, resetDelay } from '../../../lib/breaker/backoff';
import { DEFAULT_BREAKER_CONFIG } from '../../../lib/breaker/config';

const config = DEFAULT_BREAKER_CONFIG; // reset 30 s, cap 600 s, jitter 0.2
const middle = () => 0.5;

describe('resetDelay', () => {
  it('doubles per failed recovery and is capped', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 100, 5000].map((failures) => resetDelay(config, failures, middle));

    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000, 600_000, 600_000]);
  });

  it('stays within the jitter bounds', () => {
    for (const failures of [0, 1, 3, 20]) {
      const base = Math.min(30_000 * 2 ** failures, 600_000);
      expect(resetDelay(config, failures, () => 0)).toBe(base * 0.8);
      expect(resetDelay(config, failures, () => 0.999_999_999)).toBeLessThanOrEqual(base * 1.2);
      expect(resetDelay(config, failures, () => 0.999_999_999)).toBeGreaterThan(base * 1.19);
    }
  });

  it('never exceeds the capped maximum with jitter', () => {
    for (let i = 0; i <= 100; i++) {
      const delay = resetDelay(config, 50, () => i / 100);
      expect(delay).toBeLessThanOrEqual(600_000 * 1.2);
      expect(delay).toBeGreaterThanOrEqual(600_000 * 0.8);
    }
  });

  it('clamps a random source outside [0, 1)', () => {
    expect(resetDelay(config, 0, () => 7)).toBe(36_000);
    expect(resetDelay(config, 0, () => -3)).toBe(24_000);
  });

  it('is never negative', () => {
    expect(resetDelay({ ...config, resetJitter: 1 }, 0, () => 0)).toBe(0);
    expect(resetDelay(config, -4, middle)).toBe(30_000);
  });
});

describe('probeSpacing', () => {
  it('spreads probes by 20 %', () => {
    expect(probeSpacing(config, () => 0)).toBe(800);
    expect(probeSpacing(config, middle)).toBe(1000);
    expect(probeSpacing(config, () => 0.999_999)).toBeLessThanOrEqual(1200);
    expect(probeSpacing({ ...config, probeIntervalMs: 0 }, middle)).toBe(0);
  });
});

describe('rampUpLimit', () => {
  const ramp = { halfOpenMaxConcurrent: 1, maxConcurrent: 16, rampUpMs: 30_000 };

  it('grows linearly after closing', () => {
    expect(rampUpLimit(ramp, 1000, 1000)).toBe(1);
    expect(rampUpLimit(ramp, 1000, 1000 + 10_000)).toBe(6);
    expect(rampUpLimit(ramp, 1000, 1000 + 15_000)).toBe(8);
    expect(rampUpLimit(ramp, 1000, 1000 + 29_999)).toBe(15);
    expect(rampUpLimit(ramp, 1000, 1000 + 30_000)).toBe(16);
    expect(rampUpLimit(ramp, 1000, 1000 + 999_999)).toBe(16);
  });

  it('starts at halfOpenMaxConcurrent', () => {
    expect(rampUpLimit({ ...ramp, halfOpenMaxConcurrent: 3 }, 0, 0)).toBe(3);
    expect(rampUpLimit(ramp, 5000, 4000)).toBe(1);
  });

  it('allows full concurrency without a ramp', () => {
    expect(rampUpLimit({ ...ramp, rampUpMs: 0 }, 0, 0)).toBe(16);
  });
});
