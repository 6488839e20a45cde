// Log-scale latency histogram: bin i counts durations in [R^i, R^(i+1)) ms, with R chosen so
// that HISTOGRAM_BINS bins span exactly 1 ms to 60 s. Durations below 1 ms count in bin 0 and
// durations of 60 s or more in the last bin. A histogram is a plain array of counts, so
// histograms from several buckets or instances merge by adding them element by element.
//
// Accuracy: a percentile read from the histogram is the geometric middle R^(i+0.5) of the bin
// that contains the exact (nearest-rank) percentile, so its relative error is at most
// sqrt(R) - 1 = 4.86 % for any duration from 1 ms to 60 s.

export const HISTOGRAM_MIN_MS = 1;
export const HISTOGRAM_MAX_MS = 60_000;
export const HISTOGRAM_BINS = 116;

/** Natural logarithm of the ratio R between the upper and lower edge of every bin. */
const LOG_BIN_RATIO = Math.log(HISTOGRAM_MAX_MS / HISTOGRAM_MIN_MS) / HISTOGRAM_BINS;

/** Bin edges in ms: bin i is [BIN_EDGES[i], BIN_EDGES[i + 1]), and the last edge is 60 s. */
const BIN_EDGES = Float64Array.from({ length: HISTOGRAM_BINS + 1 }, (_, edge) =>
  edge === HISTOGRAM_BINS ? HISTOGRAM_MAX_MS : HISTOGRAM_MIN_MS * Math.exp(edge * LOG_BIN_RATIO),
);

const BIN_MIDDLES = Float64Array.from({ length: HISTOGRAM_BINS }, (_, bin) =>
  HISTOGRAM_MIN_MS * Math.exp((bin + 0.5) * LOG_BIN_RATIO),
);

/** Relative error bound of a percentile read from the histogram (about 0.0486). */
export const HISTOGRAM_MAX_RELATIVE_ERROR = Math.exp(LOG_BIN_RATIO / 2) - 1;

// binIndex runs on every recorded call, so it avoids Math.log. It reads the binary exponent
// and the top SUB_BITS mantissa bits of the duration, which select a sub-range of relative
// width at most 2^-SUB_BITS (0.8 %). A sub-range is narrower than a bin (ratio 1.0995), so it
// contains at most one bin edge: the bin is the one at the sub-range start or the next one.
const SUB_BITS = 7;
const SUB_MASK = (1 << SUB_BITS) - 1;
const MAX_EXPONENT = Math.ceil(Math.log2(HISTOGRAM_MAX_MS));
const FLOAT = new Float64Array(1);
const FLOAT_WORDS = new Uint32Array(FLOAT.buffer);
/** Index of the 32-bit word that contains the sign, exponent and top mantissa bits. */
const HIGH_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

const SUB_RANGE_BINS = new Uint8Array(MAX_EXPONENT << SUB_BITS);
for (let exponent = 0; exponent < MAX_EXPONENT; exponent++) {
  for (let sub = 0; sub <= SUB_MASK; sub++) {
    const start = 2 ** exponent * (1 + sub / (SUB_MASK + 1));
    let bin = 0;
    while (bin < HISTOGRAM_BINS - 1 && BIN_EDGES[bin + 1] <= start) bin++;
    SUB_RANGE_BINS[(exponent << SUB_BITS) | sub] = bin;
  }
}

export function emptyHistogram(): number[] {
  return new Array<number>(HISTOGRAM_BINS).fill(0);
}

/** Maps a duration in ms to its bin. NaN and durations below 1 ms map to bin 0. */
export function binIndex(ms: number): number {
  if (!(ms >= HISTOGRAM_MIN_MS)) return 0;
  if (ms >= HISTOGRAM_MAX_MS) return HISTOGRAM_BINS - 1;

  FLOAT[0] = ms;
  const high = FLOAT_WORDS[HIGH_WORD];
  // With HISTOGRAM_MIN_MS = 1, the unbiased exponent is 0 .. MAX_EXPONENT - 1 here.
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  const bin = SUB_RANGE_BINS[(exponent << SUB_BITS) | ((high >>> (20 - SUB_BITS)) & SUB_MASK)];
  return ms >= BIN_EDGES[bin + 1] ? bin + 1 : bin;
}

/** Geometric middle of a bin in ms, the value that percentiles report for it. */
export function binMiddle(bin: number): number {
  return BIN_MIDDLES[bin];
}

/** Lower edge of a bin in ms. Bin 0 also counts every duration below its edge. */
export function binLowerEdge(bin: number): number {
  return BIN_EDGES[bin];
}

/** Adds `count` calls of duration `ms` to `histogram` in place and returns it. */
export function addToHistogram(histogram: number[], ms: number, count = 1): number[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`addToHistogram: count must be a non-negative integer; got ${count}`);
  }
  histogram[binIndex(ms)] += count;
  return histogram;
}

/** Returns a new histogram with the counts of `a` and `b` added. */
export function mergeHistograms(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  if (a.length !== HISTOGRAM_BINS || b.length !== HISTOGRAM_BINS) {
    throw new RangeError(
      `mergeHistograms: both histograms must have ${HISTOGRAM_BINS} bins; got ${a.length} and ${b.length}`,
    );
  }

  const merged = new Array<number>(HISTOGRAM_BINS);
  for (let bin = 0; bin < HISTOGRAM_BINS; bin++) merged[bin] = a[bin] + b[bin];
  return merged;
}

/**
 * Returns the nearest-rank percentile `p` (0 to 1, e.g. 0.95) of the durations counted in
 * `histogram`, as the geometric middle of the bin that contains it, or null when it is empty.
 * The nearest-rank percentile is the ceil(p * n)-th smallest of n durations (at least the first).
 */
export function percentileOf(histogram: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`percentileOf: p must be a fraction from 0 to 1; got ${p}`);
  }
  if (histogram.length !== HISTOGRAM_BINS) {
    throw new RangeError(`percentileOf: the histogram must have ${HISTOGRAM_BINS} bins; got ${histogram.length}`);
  }

  let total = 0;
  for (let bin = 0; bin < HISTOGRAM_BINS; bin++) total += histogram[bin];
  if (total <= 0) return null;

  // The epsilon keeps binary rounding from moving the rank up by one: 0.95 * 20 must be rank 19.
  const rank = Math.max(1, Math.ceil(p * total - 1e-9));
  let seen = 0;
  for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
    seen += histogram[bin];
    if (seen >= rank) return BIN_MIDDLES[bin];
  }
  // Not reached: the loop ends on the last non-empty bin because rank <= total.
  return BIN_MIDDLES[HISTOGRAM_BINS - 1];
}
