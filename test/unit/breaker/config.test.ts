import { describe, expect, it } from 'vitest';

import { BreakerConfigSchema, DEFAULT_BREAKER_CONFIG, parseBreakerConfig } from '../../../lib/breaker/config';

function messagesFor(input: unknown): string[] {
  const result = parseBreakerConfig(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('parseBreakerConfig', () => {
  it('fills every default', () => {
    const result = parseBreakerConfig({});

    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      windowSeconds: 60,
      bucketSeconds: 10,
      minVolume: 20,
      failureRateThreshold: 0.5,
      latencyPercentile: 0.95,
      latencyThresholdMs: 2000,
      requestTimeoutMs: 10_000,
      resetTimeoutMs: 30_000,
      maxResetTimeoutMs: 600_000,
      resetJitter: 0.2,
      halfOpenMaxConcurrent: 1,
      successThreshold: 3,
      probeIntervalMs: 1000,
      maxHalfOpenMs: 120_000,
      rampUpMs: 30_000,
      maxConcurrent: 16,
    });
    expect(DEFAULT_BREAKER_CONFIG).toEqual(result.data);
  });

  it('treats undefined as no settings', () => {
    expect(parseBreakerConfig(undefined).data).toEqual(DEFAULT_BREAKER_CONFIG);
  });

  it.each([
    ['p50', 0.5],
    ['p95', 0.95],
    ['p99', 0.99],
    ['p99.9', 0.999],
    [0.75, 0.75],
  ])('normalises latencyPercentile %s', (input, expected) => {
    expect(parseBreakerConfig({ latencyPercentile: input }).data?.latencyPercentile).toBe(expected);
  });

  it.each([0.49, 1, 'p100', 'p40', 'p', '95', 'high', null])('rejects latencyPercentile %s', (input) => {
    const [message] = messagesFor({ latencyPercentile: input });
    expect(message).toContain('latencyPercentile must be a fraction from 0.5 to 0.999');
  });

  it('requires bucketSeconds to divide windowSeconds', () => {
    expect(messagesFor({ bucketSeconds: 7 })).toEqual(['bucketSeconds must divide windowSeconds (60); got 7']);
    expect(parseBreakerConfig({ windowSeconds: 30, bucketSeconds: 5 }).success).toBe(true);
  });

  it('limits the window to 60 buckets', () => {
    expect(parseBreakerConfig({ windowSeconds: 60, bucketSeconds: 1 }).success).toBe(true);

    const [message] = messagesFor({ windowSeconds: 120, bucketSeconds: 1 });
    expect(message).toContain('at most 60 buckets');
    expect(message).toContain('raise bucketSeconds to at least 2');
  });

  it('requires bucketSeconds of at least 1', () => {
    const [message] = messagesFor({ bucketSeconds: 0 });
    expect(message).toContain('bucketSeconds must be a whole number of seconds from 1');
  });

  it('requires maxResetTimeoutMs at least resetTimeoutMs', () => {
    const messages = messagesFor({ resetTimeoutMs: 5000, maxResetTimeoutMs: 4000 });
    expect(messages).toEqual(['maxResetTimeoutMs must be at least resetTimeoutMs (5000); got 4000']);
  });

  it.each([0, -0.1, 1.01, Number.NaN])('rejects failureRateThreshold %s', (input) => {
    const [message] = messagesFor({ failureRateThreshold: input });
    expect(message).toContain('failureRateThreshold must be a number above 0 and at most 1');
  });

  it('accepts failureRateThreshold of 1', () => {
    expect(parseBreakerConfig({ failureRateThreshold: 1 }).success).toBe(true);
  });

  it.each([-0.01, 1.5])('rejects resetJitter %s', (input) => {
    const [message] = messagesFor({ resetJitter: input });
    expect(message).toContain('resetJitter must be a number from 0 to 1');
  });

  it.each([0, 4, 1.5])('rejects halfOpenMaxConcurrent %s', (input) => {
    const [message] = messagesFor({ halfOpenMaxConcurrent: input });
    expect(message).toBe(`halfOpenMaxConcurrent must be a whole number of probes from 1 to 3; got ${input}`);
  });

  it.each([0, 257])('rejects maxConcurrent %s', (input) => {
    const [message] = messagesFor({ maxConcurrent: input });
    expect(message).toContain('maxConcurrent must be a whole number of requests from 1 to 256');
  });

  it('requires maxConcurrent at least halfOpenMaxConcurrent', () => {
    const messages = messagesFor({ halfOpenMaxConcurrent: 3, maxConcurrent: 2 });
    expect(messages[0]).toContain('maxConcurrent must be at least halfOpenMaxConcurrent (3)');
  });

  it('caps latencyThresholdMs below the histogram end', () => {
    const [message] = messagesFor({ latencyThresholdMs: 60_000 });
    expect(message).toContain('latencyThresholdMs must be a whole number of milliseconds from 1 to 55000');
  });

  it('rejects a string where a number belongs', () => {
    const [message] = messagesFor({ minVolume: '20' });
    expect(message).toBe('minVolume must be a whole number of calls from 1 to 1000000; got "20"');
  });

  it('rejects unknown settings by name', () => {
    const [message] = messagesFor({ windowSecs: 60 });
    expect(message).toBe('unknown breaker setting "windowSecs"; remove it or check its spelling');
  });

  it('rejects a value that is not an object', () => {
    expect(messagesFor('fast')).toEqual(['breaker settings must be an object; got "fast"']);
  });

  it('puts the field name in the issue path', () => {
    const result = BreakerConfigSchema.safeParse({ successThreshold: 0 });
    expect(result.error?.issues[0].path).toEqual(['successThreshold']);
  });
});
