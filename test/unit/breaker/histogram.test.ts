import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  HISTOGRAM_BINS,
  HISTOGRAM_MAX_RELATIVE_ERROR,
  addToHistogram,
  binIndex,
  binLowerEdge,
  binMiddle,
  emptyHistogram,
  mergeHistograms,
  percentileOf,
} from '../../../lib/breaker/histogram';

/** Creates a deterministic PRNG (mulberry32), so that failures reproduce. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the ceil(p * n)-th smallest value, computed from the raw values. */
function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length - 1e-9));
  return sorted[rank - 1];
}

function histogramOf(values: number[]): number[] {
  const histogram = emptyHistogram();
  for (const value of values) addToHistogram(histogram, value);
  return histogram;
}

const PERCENTILES = [0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

function expectAccurate(values: number[]): void {
  const histogram = histogramOf(values);
  for (const p of PERCENTILES) {
    const exact = exactPercentile(values, p);
    const estimate = percentileOf(histogram, p) as number;
    expect(Math.abs(estimate - exact) / exact, `p${p * 100}: exact ${exact}, estimate ${estimate}`).toBeLessThanOrEqual(
      0.05,
    );
  }
}

describe('histogram bins', () => {
  it('span 1 ms to 60 s', () => {
    expect(HISTOGRAM_BINS).toBe(116);
    expect(binIndex(1)).toBe(0);
    expect(binIndex(59_999)).toBe(HISTOGRAM_BINS - 1);
    expect(binMiddle(0)).toBeGreaterThan(1);
    expect(binMiddle(HISTOGRAM_BINS - 1)).toBeLessThan(60_000);
  });

  it('clamp values outside the range', () => {
    expect(binIndex(0)).toBe(0);
    expect(binIndex(0.2)).toBe(0);
    expect(binIndex(-5)).toBe(0);
    expect(binIndex(Number.NaN)).toBe(0);
    expect(binIndex(60_000)).toBe(HISTOGRAM_BINS - 1);
    expect(binIndex(3_600_000)).toBe(HISTOGRAM_BINS - 1);
    expect(binIndex(Number.POSITIVE_INFINITY)).toBe(HISTOGRAM_BINS - 1);
  });

  it('increase with the duration', () => {
    let previous = 0;
    for (let ms = 1; ms < 60_000; ms *= 1.01) {
      const bin = binIndex(ms);
      expect(bin).toBeGreaterThanOrEqual(previous);
      previous = bin;
    }
  });

  it('match their edges exactly', () => {
    for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
      const lower = binLowerEdge(bin);
      const upper = bin + 1 < HISTOGRAM_BINS ? binLowerEdge(bin + 1) : 60_000;
      expect(binIndex(lower)).toBe(bin);
      expect(binIndex(upper * (1 - Number.EPSILON))).toBe(bin);
      expect(binMiddle(bin)).toBeCloseTo(Math.sqrt(lower * upper), 9);
    }
  });

  it('follow the logarithm between edges', () => {
    const logRatio = Math.log(60_000) / HISTOGRAM_BINS;
    fc.assert(
      fc.property(fc.double({ min: 1, max: 59_999, noNaN: true }), (ms) => {
        const exact = Math.log(ms) / logRatio;
        // Skip values within rounding distance of an edge.
        fc.pre(Math.abs(exact - Math.round(exact)) > 1e-9);
        expect(binIndex(ms)).toBe(Math.floor(exact));
      }),
    );
  });

  it('keep the bin middle within 5 % of every value in the bin', () => {
    expect(HISTOGRAM_MAX_RELATIVE_ERROR).toBeLessThan(0.05);
    fc.assert(
      fc.property(fc.double({ min: 1, max: 60_000, noNaN: true }), (ms) => {
        expect(Math.abs(binMiddle(binIndex(ms)) - ms) / ms).toBeLessThanOrEqual(0.05);
      }),
    );
  });
});

describe('histogram arithmetic', () => {
  it('starts empty', () => {
    const histogram = emptyHistogram();
    expect(histogram).toHaveLength(HISTOGRAM_BINS);
    expect(histogram.every((count) => count === 0)).toBe(true);
    expect(percentileOf(histogram, 0.95)).toBeNull();
  });

  it('adds counts in place', () => {
    const histogram = emptyHistogram();
    const returned = addToHistogram(histogram, 100, 3);

    expect(returned).toBe(histogram);
    expect(histogram[binIndex(100)]).toBe(3);
    expect(() => addToHistogram(histogram, 100, -1)).toThrow(RangeError);
    expect(() => addToHistogram(histogram, 100, 0.5)).toThrow(RangeError);
  });

  it('merges into a new array', () => {
    const a = histogramOf([5, 5, 200]);
    const b = histogramOf([5, 30_000]);
    const merged = mergeHistograms(a, b);

    expect(merged).not.toBe(a);
    expect(merged).not.toBe(b);
    expect(merged[binIndex(5)]).toBe(3);
    expect(merged[binIndex(200)]).toBe(1);
    expect(merged[binIndex(30_000)]).toBe(1);
    expect(a[binIndex(5)]).toBe(2);
    expect(merged).toEqual(histogramOf([5, 5, 200, 5, 30_000]));
  });

  it('rejects a merge of the wrong length', () => {
    expect(() => mergeHistograms(emptyHistogram(), [1, 2, 3])).toThrow(/116 bins/);
  });

  it('rejects a percentile outside 0..1', () => {
    expect(() => percentileOf(emptyHistogram(), 95)).toThrow(RangeError);
    expect(() => percentileOf(emptyHistogram(), -0.1)).toThrow(RangeError);
  });

  it('uses nearest rank for small samples', () => {
    // 19 fast calls and one slow call: the p95 is the 19th value, the fast one.
    const values = [...new Array(19).fill(10), 5000];
    const histogram = histogramOf(values);

    expect(percentileOf(histogram, 0.95)).toBe(binMiddle(binIndex(10)));
    expect(percentileOf(histogram, 0.951)).toBe(binMiddle(binIndex(5000)));
    expect(percentileOf(histogram, 0)).toBe(binMiddle(binIndex(10)));
  });
});

describe('histogram accuracy', () => {
  const sampleSize = 20_000;

  it('is within 5 % for a uniform distribution', () => {
    const random = seededRandom(1);
    const values = Array.from({ length: sampleSize }, () => 1 + random() * 59_999);
    expectAccurate(values);
  });

  it('is within 5 % for a narrow uniform distribution', () => {
    const random = seededRandom(2);
    const values = Array.from({ length: sampleSize }, () => 180 + random() * 40);
    expectAccurate(values);
  });

  it('is within 5 % for a log-uniform distribution', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: sampleSize }, () => Math.exp(random() * Math.log(60_000)));
    expectAccurate(values);
  });

  it('is within 5 % for a bimodal distribution', () => {
    const random = seededRandom(4);
    const values = Array.from({ length: sampleSize }, () =>
      random() < 0.93 ? 20 + random() * 30 : 4000 + random() * 4000,
    );
    expectAccurate(values);
  });

  it('is within 5 % for values at the range ends', () => {
    expectAccurate([1, 1, 1.01, 59_999, 60_000, 60_000]);
  });

  it('is within 5 % for any sample', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (values) => expectAccurate(values),
      ),
      { numRuns: 200 },
    );
  });
});
