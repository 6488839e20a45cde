import { describe, expect, it } from 'vitest';

import { afterFailure, DEFAULT_RETRY_CONFIG, retryDelay, RetryConfigSchema } from '../../../lib/delivery/retry';

const config = RetryConfigSchema.parse({ maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000, maxAgeMs: 60_000 });

describe('retryDelay', () => {
  it('draws from [0, base * 2^(n-1)] with full jitter', () => {
    expect(retryDelay(config, 1, () => 0.999999)).toBe(999);
    expect(retryDelay(config, 2, () => 0.5)).toBe(1000);
    expect(retryDelay(config, 3, () => 0.999999)).toBe(3999);
    expect(retryDelay(config, 1, () => 0)).toBe(10);
  });

  it('caps the ceiling at maxDelayMs', () => {
    expect(retryDelay(config, 10, () => 0.999999)).toBe(7999);
    expect(retryDelay(config, 1_000, () => 0.5)).toBe(4000);
  });

  it('spreads delays across the whole range', () => {
    let seed = 1;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const delays = Array.from({ length: 2000 }, () => retryDelay(config, 4, random));
    expect(Math.min(...delays)).toBeLessThan(400);
    expect(Math.max(...delays)).toBeGreaterThan(7600);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8000);
  });
});

describe('afterFailure', () => {
  it('schedules the next attempt from now', () => {
    expect(afterFailure(config, { attempts: 1, createdAt: 0, now: 10_000 }, () => 0.5)).toEqual({ kind: 'retry', at: 10_500 });
  });

  it('dead-letters after maxAttempts', () => {
    expect(afterFailure(config, { attempts: 5, createdAt: 0, now: 1000 })).toEqual({ kind: 'dead', reason: 'max_attempts' });
  });

  it('dead-letters once the delivery is older than maxAge', () => {
    expect(afterFailure(config, { attempts: 2, createdAt: 0, now: 60_000 })).toEqual({ kind: 'dead', reason: 'max_age' });
    expect(afterFailure(config, { attempts: 2, createdAt: 0, now: 59_999 }, () => 0).kind).toBe('retry');
  });
});

describe('RetryConfigSchema', () => {
  it('has production defaults', () => {
    expect(DEFAULT_RETRY_CONFIG).toEqual({ maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 600_000, maxAgeMs: 259_200_000 });
  });

  it('rejects maxDelayMs below baseDelayMs, naming the field', () => {
    const parsed = RetryConfigSchema.safeParse({ baseDelayMs: 5000, maxDelayMs: 1000 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['maxDelayMs']);
  });

  it('rejects unknown knobs', () => {
    expect(RetryConfigSchema.safeParse({ retries: 3 }).success).toBe(false);
  });
});
