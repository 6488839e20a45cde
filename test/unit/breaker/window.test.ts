import { describe, expect, it } from 'vitest';

import { DEFAULT_BREAKER_CONFIG } from '../../../lib/breaker/config';
import { HISTOGRAM_BINS, binIndex, emptyHistogram } from '../../../lib/breaker/histogram';
import { BucketedWindow, summarizeBuckets, type WindowBucket } from '../../../lib/breaker/window';

const config = DEFAULT_BREAKER_CONFIG; // 60 s window of six 10 s buckets, slow from 2000 ms
const WINDOW_MS = 60_000;
const BASE = 1_700_000_000_000; // a bucket boundary, like a wall-clock reading

describe('BucketedWindow', () => {
  it('counts only successes and failures', () => {
    const window = new BucketedWindow(config);

    expect(window.record('success', 10, BASE)).toBe(true);
    expect(window.record('failure', 10, BASE)).toBe(true);
    expect(window.record('throttled', 10, BASE)).toBe(false);
    expect(window.record('ignored', 10, BASE)).toBe(false);

    const stats = window.stats(BASE);
    expect(stats.calls).toBe(2);
    expect(stats.failures).toBe(1);
    expect(stats.histogram.reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it('counts calls at the latency threshold as slow', () => {
    const window = new BucketedWindow(config);
    window.record('success', 1999, BASE);
    window.record('success', 2000, BASE);
    window.record('failure', 9000, BASE);

    expect(window.stats(BASE).slow).toBe(2);
  });

  it('puts every counted call in the histogram', () => {
    const window = new BucketedWindow(config);
    window.record('success', 5, BASE);
    window.record('failure', 5, BASE + 1);
    window.record('success', 700, BASE + 20_000);

    const { histogram } = window.stats(BASE + 20_000);
    expect(histogram).toHaveLength(HISTOGRAM_BINS);
    expect(histogram[binIndex(5)]).toBe(2);
    expect(histogram[binIndex(700)]).toBe(1);
  });

  it('drops a failure exactly one window old', () => {
    const window = new BucketedWindow(config);
    window.record('failure', 10, BASE);

    expect(window.stats(BASE + WINDOW_MS - 1).failures).toBe(1);
    expect(window.stats(BASE + WINDOW_MS).failures).toBe(0);
    expect(window.stats(BASE + WINDOW_MS).calls).toBe(0);
  });

  it('expires whole buckets at bucket boundaries', () => {
    const window = new BucketedWindow(config);
    // Bucket [BASE, BASE + 10 s) gets a call near its end.
    window.record('failure', 10, BASE + 9_999);

    // The bucket start, not the call time, decides: the call leaves with its bucket.
    expect(window.stats(BASE + WINDOW_MS - 1).failures).toBe(1);
    expect(window.stats(BASE + WINDOW_MS).failures).toBe(0);
  });

  it('keeps calls from every live bucket', () => {
    const window = new BucketedWindow(config);
    for (let second = 0; second < 60; second++) window.record('success', 10, BASE + second * 1000);

    expect(window.stats(BASE + 59_999).calls).toBe(60);
    expect(window.stats(BASE + 60_000).calls).toBe(50);
    expect(window.stats(BASE + 115_000).calls).toBe(0);
  });

  it('starts buckets at multiples of bucketSeconds', () => {
    const window = new BucketedWindow(config);
    window.record('success', 10, BASE + 12_345);
    window.record('failure', 3000, BASE + 27_000);

    const buckets = window.buckets(BASE + 30_000);
    expect(buckets.map((bucket) => bucket.start)).toEqual([BASE + 10_000, BASE + 20_000]);
    expect(buckets[1]).toMatchObject({ calls: 1, failures: 1, slow: 1 });
    expect(buckets[1].histogram[binIndex(3000)]).toBe(1);
  });

  it('returns only live buckets', () => {
    const window = new BucketedWindow(config);
    window.record('success', 10, BASE);
    window.record('success', 10, BASE + 30_000);

    expect(window.buckets(BASE + 30_000)).toHaveLength(2);
    expect(window.buckets(BASE + 60_000)).toHaveLength(1);
    expect(window.buckets(BASE + 90_000)).toHaveLength(0);
  });

  it('keeps a ring of windowSeconds / bucketSeconds buckets', () => {
    const window = new BucketedWindow(config);
    expect(window.bucketCount).toBe(6);

    for (let i = 0; i < 10_000; i++) window.record('success', i % 5000, BASE + i * 777);

    expect(window.bucketCount).toBe(6);
    expect(window.buckets(BASE + 9_999 * 777).length).toBeLessThanOrEqual(6);
  });

  it('drops a call older than the window', () => {
    const window = new BucketedWindow(config);
    window.record('success', 10, BASE + 100_000);

    expect(window.record('failure', 10, BASE + 40_000)).toBe(false);
    expect(window.record('failure', 10, BASE + 50_000)).toBe(true);
    expect(window.stats(BASE + 100_000).failures).toBe(1);
  });

  it('counts beyond 255 calls per bin', () => {
    const window = new BucketedWindow(config);
    for (let i = 0; i < 70_000; i++) window.record('success', 42, BASE + (i % 10_000));

    const stats = window.stats(BASE);
    expect(stats.calls).toBe(70_000);
    expect(stats.histogram[binIndex(42)]).toBe(70_000);
    expect(window.buckets(BASE)[0].histogram[binIndex(42)]).toBe(70_000);
  });

  it('subtracts expired histograms from the totals', () => {
    const window = new BucketedWindow(config);
    for (let i = 0; i < 300; i++) window.record('success', 42, BASE);
    window.record('success', 42, BASE + 30_000);

    expect(window.stats(BASE + 60_000).histogram[binIndex(42)]).toBe(1);
  });

  it('empties on reset', () => {
    const window = new BucketedWindow(config);
    window.record('failure', 10, BASE);
    const removalsBefore = window.removals;
    window.reset();

    expect(window.stats(BASE)).toEqual({ calls: 0, failures: 0, slow: 0, histogram: emptyHistogram() });
    expect(window.removals).toBe(removalsBefore + 1);
  });

  it('restores saved buckets', () => {
    const window = new BucketedWindow(config);
    window.record('failure', 10, BASE);
    window.record('success', 2500, BASE + 25_000);
    window.record('success', 30, BASE + 55_000);

    const copy = new BucketedWindow(config);
    copy.restore(window.buckets());

    expect(copy.stats(BASE + 55_000)).toEqual(window.stats(BASE + 55_000));
    expect(copy.stats(BASE + 70_000)).toEqual(window.stats(BASE + 70_000));
  });

  it('rejects a bucket with the wrong histogram length', () => {
    const window = new BucketedWindow(config);
    const bucket: WindowBucket = { start: BASE, calls: 1, failures: 0, slow: 0, histogram: [1] };

    expect(() => window.restore([bucket])).toThrow(/expected 116/);
  });

  it('rejects a bucket size that does not divide the window', () => {
    expect(() => new BucketedWindow({ ...config, bucketSeconds: 7 })).toThrow(/divides windowSeconds \(60\); got 7/);
  });

  it('works with other bucket sizes', () => {
    const window = new BucketedWindow({ ...config, windowSeconds: 10, bucketSeconds: 1 });
    expect(window.bucketCount).toBe(10);

    window.record('failure', 10, BASE);
    window.record('failure', 10, BASE + 9_000);

    expect(window.stats(BASE + 9_999).failures).toBe(2);
    expect(window.stats(BASE + 10_000).failures).toBe(1);
  });
});

describe('summarizeBuckets', () => {
  function bucket(start: number, calls: number, failures: number, slow: number, durationMs: number): WindowBucket {
    const histogram = emptyHistogram();
    histogram[binIndex(durationMs)] = calls;
    return { start, calls, failures, slow, histogram };
  }

  it('sums buckets from several instances', () => {
    const instanceA = [bucket(BASE, 10, 2, 0, 50), bucket(BASE + 10_000, 5, 5, 5, 3000)];
    const instanceB = [bucket(BASE, 7, 1, 0, 50)];

    const stats = summarizeBuckets([...instanceA, ...instanceB], config, BASE + 15_000);

    expect(stats.calls).toBe(22);
    expect(stats.failures).toBe(8);
    expect(stats.slow).toBe(5);
    expect(stats.histogram[binIndex(50)]).toBe(17);
    expect(stats.histogram[binIndex(3000)]).toBe(5);
  });

  it('drops buckets one window old', () => {
    const buckets = [bucket(BASE, 10, 10, 0, 50), bucket(BASE + 10_000, 4, 0, 0, 50)];

    expect(summarizeBuckets(buckets, config, BASE + WINDOW_MS - 1).calls).toBe(14);
    expect(summarizeBuckets(buckets, config, BASE + WINDOW_MS).calls).toBe(4);
  });

  it('drops buckets a whole window in the future', () => {
    const buckets = [bucket(BASE + 10_000, 3, 0, 0, 50), bucket(BASE + WINDOW_MS, 9, 0, 0, 50)];

    expect(summarizeBuckets(buckets, config, BASE).calls).toBe(3);
  });

  it('matches the in-memory window', () => {
    const window = new BucketedWindow(config);
    for (let i = 0; i < 500; i++) {
      window.record(i % 3 === 0 ? 'failure' : 'success', (i * 37) % 4000, BASE + i * 250);
    }
    const now = BASE + 500 * 250;

    expect(summarizeBuckets(window.buckets(now), config, now)).toEqual(window.stats(now));
  });

  it('rejects a histogram of the wrong length', () => {
    const broken = { start: BASE, calls: 1, failures: 0, slow: 0, histogram: [1, 2] };
    expect(() => summarizeBuckets([broken], config, BASE)).toThrow(/2 histogram bins; expected 116/);
  });
});
