import { describe, expect, it } from 'vitest';

import { DEFAULT_BREAKER_CONFIG, type BreakerConfig } from '../../../lib/breaker/config';
import { binIndex, binMiddle, emptyHistogram } from '../../../lib/breaker/histogram';
import { evaluateTrip, latencyThresholdBin, windowFigures } from '../../../lib/breaker/trip';
import type { WindowStats } from '../../../lib/breaker/types';

const config: BreakerConfig = { ...DEFAULT_BREAKER_CONFIG }; // minVolume 20, rate 0.5, p95 >= 2000 ms

/** Builds window stats for calls given as [durationMs, count, failed] groups. */
function statsOf(groups: Array<[durationMs: number, count: number, failed?: boolean]>): WindowStats {
  const stats: WindowStats = { calls: 0, failures: 0, slow: 0, histogram: emptyHistogram() };
  for (const [durationMs, count, failed] of groups) {
    stats.calls += count;
    if (failed) stats.failures += count;
    if (durationMs >= config.latencyThresholdMs) stats.slow += count;
    stats.histogram[binIndex(durationMs)] += count;
  }
  return stats;
}

describe('evaluateTrip', () => {
  it('never trips below minimum volume', () => {
    expect(evaluateTrip(statsOf([[10, 19, true]]), config)).toBeNull();
    expect(evaluateTrip(statsOf([[9000, 19]]), config)).toBeNull();
  });

  it('trips at the failure threshold', () => {
    const decision = evaluateTrip(statsOf([[10, 10, true], [10, 10]]), config);

    expect(decision?.reason).toBe('failure_rate');
    expect(decision?.figures).toMatchObject({ calls: 20, failures: 10, errorRate: 0.5 });
  });

  it('stays closed just below the failure threshold', () => {
    expect(evaluateTrip(statsOf([[10, 9, true], [10, 11]]), config)).toBeNull();
  });

  it('trips on the p95 latency', () => {
    // 18 of 20 calls fast: the 19th smallest (p95) is slow.
    const decision = evaluateTrip(statsOf([[50, 18], [2500, 2]]), config);

    expect(decision?.reason).toBe('latency');
    expect(decision?.figures.latencyPercentileMs).toBe(binMiddle(binIndex(2500)));
    expect(decision?.figures.failures).toBe(0);
  });

  it('ignores slow calls under the percentile', () => {
    // 19 of 20 fast: the p95 is the 19th smallest, a fast call.
    expect(evaluateTrip(statsOf([[50, 19], [2500, 1]]), config)).toBeNull();
  });

  it('counts slow calls in flight', () => {
    const stats = statsOf([[50, 19], [2500, 1]]);

    const decision = evaluateTrip(stats, config, 1);
    expect(decision?.reason).toBe('latency');
    expect(decision?.figures.latencyPercentileMs).toBeGreaterThanOrEqual(config.latencyThresholdMs);
    expect(decision?.figures.calls).toBe(20);
  });

  it('does not count calls in flight towards minVolume', () => {
    expect(evaluateTrip(statsOf([[50, 10]]), config, 30)).toBeNull();
  });

  it('reports the failure rate first', () => {
    expect(evaluateTrip(statsOf([[9000, 20, true]]), config)?.reason).toBe('failure_rate');
  });

  it('uses the configured percentile', () => {
    const stats = statsOf([[50, 90], [3000, 10]]);

    expect(evaluateTrip(stats, { ...config, latencyPercentile: 0.9 })).toBeNull();
    expect(evaluateTrip(stats, { ...config, latencyPercentile: 0.95 })?.reason).toBe('latency');
  });
});

describe('windowFigures', () => {
  it('describes the window and the thresholds', () => {
    expect(windowFigures(statsOf([[10, 3, true], [10, 1]]), config)).toEqual({
      calls: 4,
      failures: 3,
      errorRate: 0.75,
      latencyPercentileMs: binMiddle(binIndex(10)),
      percentile: 0.95,
      failureRateThreshold: 0.5,
      latencyThresholdMs: 2000,
      minVolume: 20,
      windowSeconds: 60,
    });
  });

  it('reports an empty window', () => {
    const figures = windowFigures(statsOf([]), config);

    expect(figures.errorRate).toBe(0);
    expect(figures.latencyPercentileMs).toBeNull();
  });
});

describe('latencyThresholdBin', () => {
  it('finds the first bin whose middle reaches the threshold', () => {
    for (const thresholdMs of [1, 2, 100, 2000, 2097, 30_000, 55_000]) {
      const bin = latencyThresholdBin({ latencyThresholdMs: thresholdMs });
      expect(binMiddle(bin)).toBeGreaterThanOrEqual(thresholdMs);
      if (bin > 0) expect(binMiddle(bin - 1)).toBeLessThan(thresholdMs);
    }
  });
});
