import { describe, expect, it } from 'vitest';

import { fillBuckets } from '../../../components/fill-buckets';
import { binOpenDurations } from '../../../components/open-durations';
import { CHART_SPAN_MS, domainShare, timeTicks } from '../../../components/time-axis';

const thresholds = { failureRateThreshold: 0.5, latencyThresholdMs: 2000, latencyPercentile: 0.95 };

describe('fillBuckets', () => {
  // 08:39:07 UTC; the 10 s slot that contains it starts at 08:39:00.
  const asOf = Date.parse('2026-12-04T08:39:07Z');

  it('ends the domain with the slot that contains asOf', () => {
    const { domain, slots, bucketMs } = fillBuckets({ data: [], thresholds, bucketSeconds: 10 }, asOf);
    expect(bucketMs).toBe(10_000);
    expect(domain.end).toBe(Date.parse('2026-12-04T08:39:10Z'));
    expect(domain.end - domain.start).toBe(CHART_SPAN_MS);
    expect(slots).toHaveLength(90);
    expect(slots[0].start).toBe('2026-12-04T08:24:10.000Z');
    expect(slots[89].start).toBe('2026-12-04T08:39:00.000Z');
  });

  it('keeps API buckets at their own start', () => {
    const bucket = { start: '2026-12-04T08:39:00.000Z', calls: 5, failures: 0, errorRate: 0, latencyPercentileMs: 21.8 };
    const { slots, domain } = fillBuckets({ data: [bucket], thresholds, bucketSeconds: 10 }, asOf);
    expect(slots.at(-1)).toBe(bucket);
    expect(domainShare(domain, Date.parse(bucket.start))).toBeCloseTo(89 / 90, 10);
  });

  it('fills slots without calls with null figures', () => {
    const { slots } = fillBuckets({ data: [], thresholds, bucketSeconds: 1 }, asOf);
    expect(slots).toHaveLength(900);
    expect(slots[0]).toEqual({ start: '2026-12-04T08:24:08.000Z', calls: 0, failures: 0, errorRate: null, latencyPercentileMs: null });
  });
});

describe('timeTicks', () => {
  it('puts ticks of a 15 minute span on whole 3 minute steps', () => {
    const start = Date.parse('2026-12-04T08:24:10Z');
    const ticks = timeTicks({ start, end: start + CHART_SPAN_MS });
    expect(ticks.map((tick) => new Date(tick).toISOString().slice(11, 19))).toEqual(['08:27:00', '08:30:00', '08:33:00', '08:36:00', '08:39:00']);
  });

  it('uses seconds for short spans', () => {
    const start = Date.parse('2026-12-04T08:00:00Z');
    expect(timeTicks({ start, end: start + 20_000 })).toEqual([start, start + 5_000, start + 10_000, start + 15_000, start + 20_000]);
  });

  it('returns no ticks for an empty domain', () => {
    expect(timeTicks({ start: 5, end: 5 })).toEqual([]);
  });
});

describe('binOpenDurations', () => {
  const episode = (durationMs: number) => ({ from: '', to: '', durationMs, ongoing: false, startedBeforeRange: false, states: [] });

  it('counts each episode in the bin of its length', () => {
    const bins = binOpenDurations([episode(500), episode(9_999), episode(10_000), episode(45_000), episode(4 * 60_000), episode(2 * 3_600_000)]);
    expect(bins.map((bin) => bin.episodes)).toEqual([2, 1, 1, 1, 0, 0, 1]);
  });
});
