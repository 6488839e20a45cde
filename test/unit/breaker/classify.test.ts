import { describe, expect, it } from 'vitest';

import { classifyResponse, clampPause, parseRetryAfter } from '../../../lib/breaker/classify';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('classifyResponse', () => {
  it.each([200, 201, 204, 299])('delivers on %s', (status) => {
    expect(classifyResponse({ status }, NOW)).toEqual({ breaker: 'success', delivery: 'delivered', label: `HTTP ${status}` });
  });

  it.each([500, 502, 504, 599, 408])('retries on %s as a failure', (status) => {
    expect(classifyResponse({ status }, NOW)).toEqual({ breaker: 'failure', delivery: 'retry', label: `HTTP ${status}` });
  });

  it('retries a timeout as a failure', () => {
    expect(classifyResponse({ error: 'timeout' }, NOW)).toEqual({ breaker: 'failure', delivery: 'retry', label: 'timeout' });
  });

  it('retries a network error as a failure', () => {
    expect(classifyResponse({ error: 'network' }, NOW)).toEqual({
      breaker: 'failure',
      delivery: 'retry',
      label: 'network error',
    });
  });

  it('throttles a 429 with delta-seconds', () => {
    expect(classifyResponse({ status: 429, retryAfter: '120' }, NOW)).toEqual({
      breaker: 'throttled',
      delivery: 'throttled',
      pauseMs: 120_000,
      label: 'HTTP 429',
    });
  });

  it('throttles a 429 with an HTTP-date', () => {
    const result = classifyResponse({ status: 429, retryAfter: 'Sun, 01 Mar 2026 12:05:00 GMT' }, NOW);
    expect(result.breaker).toBe('throttled');
    expect(result.pauseMs).toBe(5 * 60_000);
  });

  it('pauses a 429 without Retry-After for 60 s', () => {
    expect(classifyResponse({ status: 429 }, NOW).pauseMs).toBe(60_000);
    expect(classifyResponse({ status: 429, retryAfter: null }, NOW).pauseMs).toBe(60_000);
    expect(classifyResponse({ status: 429, retryAfter: 'later' }, NOW).pauseMs).toBe(60_000);
  });

  it('clamps the 429 pause to 1 s .. 10 min', () => {
    expect(classifyResponse({ status: 429, retryAfter: '0' }, NOW).pauseMs).toBe(1000);
    expect(classifyResponse({ status: 429, retryAfter: '86400' }, NOW).pauseMs).toBe(600_000);
    expect(classifyResponse({ status: 429, retryAfter: 'Sun, 01 Mar 2026 11:00:00 GMT' }, NOW).pauseMs).toBe(1000);
    expect(classifyResponse({ status: 429, retryAfter: 'Mon, 02 Mar 2026 12:00:00 GMT' }, NOW).pauseMs).toBe(600_000);
  });

  it('throttles a 503 with Retry-After', () => {
    expect(classifyResponse({ status: 503, retryAfter: '30' }, NOW)).toEqual({
      breaker: 'throttled',
      delivery: 'throttled',
      pauseMs: 30_000,
      label: 'HTTP 503',
    });
    expect(classifyResponse({ status: 503, retryAfter: 'Sun, 01 Mar 2026 12:00:10 GMT' }, NOW).pauseMs).toBe(10_000);
  });

  it('fails a 503 without Retry-After', () => {
    expect(classifyResponse({ status: 503 }, NOW)).toEqual({ breaker: 'failure', delivery: 'retry', label: 'HTTP 503' });
    expect(classifyResponse({ status: 503, retryAfter: 'soon' }, NOW).breaker).toBe('failure');
  });

  it('marks a 410 as gone', () => {
    expect(classifyResponse({ status: 410 }, NOW)).toEqual({ breaker: 'ignored', delivery: 'gone', label: 'HTTP 410' });
  });

  it.each([301, 302, 304, 400, 401, 403, 404, 409, 413, 422])('dead-letters %s as a success', (status) => {
    expect(classifyResponse({ status }, NOW)).toEqual({ breaker: 'success', delivery: 'dead', label: `HTTP ${status}` });
  });

  it.each([100, 199, 600, 999])('fails an unexpected status %s', (status) => {
    expect(classifyResponse({ status }, NOW)).toMatchObject({ breaker: 'failure', delivery: 'retry' });
  });

  it('prefers the error over a status', () => {
    expect(classifyResponse({ status: 200, error: 'timeout' }, NOW).breaker).toBe('failure');
  });

  it('rejects an input without status or error', () => {
    expect(() => classifyResponse({}, NOW)).toThrow(/needs a status or an error/);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('5', NOW)).toBe(5000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
  });

  it('reads all three HTTP-date forms', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:02:00 GMT', NOW)).toBe(120_000);
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:02:00 GMT', NOW)).toBe(120_000);
    expect(parseRetryAfter('Sun Mar  1 12:02:00 2026', NOW)).toBe(120_000);
  });

  it('reads a past date as zero', () => {
    expect(parseRetryAfter('Sat, 28 Feb 2026 12:00:00 GMT', NOW)).toBe(0);
  });

  it.each([
    '',
    '   ',
    '1.5',
    '-5',
    '+5',
    '5s',
    'soon',
    '0x10',
    '1e3',
    'Sun, 01 Mar 2026 12:02:00',
    'Sun, 01 Mar 2026 12:02:00 PST',
    'Sun, 31 Feb 2026 12:02:00 GMT',
    'Sun, 01 Mar 2026 25:02:00 GMT',
    'Sun, 1 Mar 2026 12:02:00 GMT',
    '2026-03-01T12:02:00Z',
    'Sun, 01 Mar 2026',
  ])('rejects %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });

  it('returns null for a missing header', () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
  });
});

describe('clampPause', () => {
  it('limits pauses to 1 s .. 10 min', () => {
    expect(clampPause(0)).toBe(1000);
    expect(clampPause(-500)).toBe(1000);
    expect(clampPause(1500)).toBe(1500);
    expect(clampPause(600_000)).toBe(600_000);
    expect(clampPause(600_001)).toBe(600_000);
    expect(clampPause(Number.POSITIVE_INFINITY)).toBe(600_000);
    expect(clampPause(Number.NaN)).toBe(1000);
  });
});
