import type { BreakerConfig } from './config';
import { HISTOGRAM_BINS, binIndex } from './histogram';
import type { CallResult, WindowStats } from './types';

/** One time bucket of the sliding window, as the registry stores it per instance. */
export type WindowBucket = {
  /** Bucket start in ms: floor(time / bucketMs) * bucketMs. */
  start: number;
  calls: number;
  failures: number;
  slow: number;
  histogram: number[];
};

/** Window sums whose histogram may be a typed array or a live view (see BucketedWindow.statsView). */
export type WindowStatsView = {
  calls: number;
  failures: number;
  slow: number;
  histogram: ArrayLike<number>;
};

export type WindowConfig = Pick<BreakerConfig, 'windowSeconds' | 'bucketSeconds' | 'latencyThresholdMs'>;

/**
 * Histogram counts at the narrowest element width that fits the largest count, so that a
 * quiet endpoint keeps one byte per bin.
 */
type CompactCounts = Uint8Array | Uint16Array | Uint32Array | Float64Array;

function capacityOf(counts: CompactCounts): number {
  switch (counts.BYTES_PER_ELEMENT) {
    case 1:
      return 0xff;
    case 2:
      return 0xffff;
    case 4:
      return 0xffff_ffff;
    default:
      return Number.MAX_SAFE_INTEGER;
  }
}

/** Copies `counts` into an array wide enough for the value `needed`. */
function widen(counts: CompactCounts, needed: number): CompactCounts {
  let wider: CompactCounts;
  if (needed <= 0xffff) wider = new Uint16Array(counts.length);
  else if (needed <= 0xffff_ffff) wider = new Uint32Array(counts.length);
  else wider = new Float64Array(counts.length);

  wider.set(counts);
  return wider;
}

const EMPTY_COUNTS: Readonly<Uint8Array> = new Uint8Array(HISTOGRAM_BINS);

// Layout of the per-slot numbers in BucketedWindow.slots.
const START = 0;
const CALLS = 1;
const FAILURES = 2;
const SLOW = 3;
const SLOT_FIELDS = 4;

/**
 * Time-bucketed sliding window over finished calls, kept in memory by one process.
 *
 * The window is a ring of windowSeconds / bucketSeconds buckets plus running totals, so
 * `record` and `statsView` are O(1) apart from moving to a new bucket, which clears the
 * expired buckets at O(bins) each. A bucket counts while its start is after
 * now - windowSeconds * 1000: a call exactly one window old no longer counts.
 * Only 'success' and 'failure' results are counted, and no per-call record is kept.
 */
export class BucketedWindow {
  /** Number of buckets in the ring, constant for the life of the window. */
  readonly bucketCount: number;
  private readonly bucketMs: number;
  private readonly windowMs: number;
  private readonly slowMs: number;

  /** Per ring slot: bucket start, calls, failures and slow calls. */
  private readonly slots: Float64Array;
  /**
   * Histogram counts, one run of HISTOGRAM_BINS per ring slot followed by one for the window
   * totals. Null until the first call, and dropped again when a call or read finds every
   * bucket expired, so an endpoint without traffic keeps no histogram.
   */
  private counts: CompactCounts | null = null;
  /** Largest count that `counts` can hold at its current element width. */
  private countsCapacity = 0;
  /** Running sums over the live buckets. `statsView` returns this object itself. */
  private readonly totals: WindowStatsView = { calls: 0, failures: 0, slow: 0, histogram: EMPTY_COUNTS };
  private newestStart = -Infinity;
  /** End of the newest bucket and its ring slot, so that a call in it skips the slot arithmetic. */
  private newestEnd = -Infinity;
  private newestSlot = 0;
  private removalCount = 0;

  constructor(config: WindowConfig) {
    const { windowSeconds, bucketSeconds } = config;
    if (!Number.isInteger(bucketSeconds) || bucketSeconds < 1 || windowSeconds % bucketSeconds !== 0) {
      throw new RangeError(
        `BucketedWindow: bucketSeconds must be a whole number of at least 1 that divides windowSeconds ` +
          `(${windowSeconds}); got ${bucketSeconds}. Validate the settings with parseBreakerConfig.`,
      );
    }

    this.bucketCount = windowSeconds / bucketSeconds;
    this.bucketMs = bucketSeconds * 1000;
    this.windowMs = windowSeconds * 1000;
    this.slowMs = config.latencyThresholdMs;
    this.slots = new Float64Array(this.bucketCount * SLOT_FIELDS);
  }

  /**
   * Number of times counted calls have left the window, by bucket expiry, reset or restore.
   * A caller that sees the same number before and after new records can tell that the
   * window only gained calls since.
   */
  get removals(): number {
    return this.removalCount;
  }

  /**
   * Counts one finished call at time `now` and returns whether it was counted. Only
   * 'success' and 'failure' count, and a call of latencyThresholdMs or longer also counts as
   * slow. A call older than the window (because `now` is behind the newest bucket) is dropped.
   */
  record(result: CallResult, durationMs: number, now: number): boolean {
    if (result !== 'success' && result !== 'failure') return false;

    let slot: number;
    if (now >= this.newestStart && now < this.newestEnd) {
      slot = this.newestSlot;
    } else {
      const start = this.bucketStartOf(now);
      if (start > this.newestStart) this.advanceTo(start);
      else if (start <= this.newestStart - this.windowMs) return false;
      slot = this.slotOf(start);
    }

    const base = slot * SLOT_FIELDS;
    const totals = this.totals;
    this.slots[base + CALLS] += 1;
    totals.calls += 1;
    if (result === 'failure') {
      this.slots[base + FAILURES] += 1;
      totals.failures += 1;
    }
    if (durationMs >= this.slowMs) {
      this.slots[base + SLOW] += 1;
      totals.slow += 1;
    }
    this.addToBin(slot, binIndex(durationMs), 1);
    return true;
  }

  /** Returns the sums over the buckets that still count at `now`, with a copied histogram. */
  stats(now: number): WindowStats {
    const view = this.statsView(now);
    return {
      calls: view.calls,
      failures: view.failures,
      slow: view.slow,
      histogram: Array.from(view.histogram),
    };
  }

  /**
   * Returns the same sums as `stats` without copying anything. The result is the window's own
   * running totals, which later calls change, so read it at once or copy it.
   */
  statsView(now: number): Readonly<WindowStatsView> {
    if (now >= this.newestEnd) this.advanceTo(this.bucketStartOf(now));
    return this.totals;
  }

  /**
   * Returns the buckets that count at `now` and contain at least one call, oldest first.
   * Without `now`, returns the buckets as of the newest recorded call.
   */
  buckets(now?: number): WindowBucket[] {
    if (now !== undefined && now >= this.newestEnd) this.advanceTo(this.bucketStartOf(now));

    const buckets: WindowBucket[] = [];
    for (let slot = 0; slot < this.bucketCount; slot++) {
      const base = slot * SLOT_FIELDS;
      if (this.slots[base + CALLS] === 0) continue;

      const offset = slot * HISTOGRAM_BINS;
      buckets.push({
        start: this.slots[base + START],
        calls: this.slots[base + CALLS],
        failures: this.slots[base + FAILURES],
        slow: this.slots[base + SLOW],
        histogram: this.counts
          ? Array.from(this.counts.subarray(offset, offset + HISTOGRAM_BINS))
          : new Array<number>(HISTOGRAM_BINS).fill(0),
      });
    }
    return buckets.sort((a, b) => a.start - b.start);
  }

  /** Empties the window. */
  reset(): void {
    if (this.totals.calls > 0) this.removalCount += 1;

    this.slots.fill(0);
    this.counts = null;
    this.countsCapacity = 0;
    this.totals.calls = 0;
    this.totals.failures = 0;
    this.totals.slow = 0;
    this.totals.histogram = EMPTY_COUNTS;
    this.newestStart = -Infinity;
    this.newestEnd = -Infinity;
    this.newestSlot = 0;
  }

  /**
   * Replaces the contents with `buckets`, for example the output of `buckets()` saved earlier.
   * Buckets older than the window, relative to the newest one given, are dropped. A start
   * that is not on a bucket boundary counts in the bucket that contains it.
   */
  restore(buckets: readonly WindowBucket[]): void {
    this.reset();
    const ordered = [...buckets].sort((a, b) => a.start - b.start);

    for (const bucket of ordered) {
      if (bucket.histogram.length !== HISTOGRAM_BINS) {
        throw new RangeError(
          `BucketedWindow.restore: bucket ${bucket.start} has ${bucket.histogram.length} histogram bins; ` +
            `expected ${HISTOGRAM_BINS}`,
        );
      }

      const start = this.bucketStartOf(bucket.start);
      if (start > this.newestStart) this.advanceTo(start);
      else if (start <= this.newestStart - this.windowMs) continue;

      const slot = this.slotOf(start);
      const base = slot * SLOT_FIELDS;
      this.slots[base + CALLS] += bucket.calls;
      this.slots[base + FAILURES] += bucket.failures;
      this.slots[base + SLOW] += bucket.slow;
      this.totals.calls += bucket.calls;
      this.totals.failures += bucket.failures;
      this.totals.slow += bucket.slow;
      for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
        if (bucket.histogram[bin] > 0) this.addToBin(slot, bin, bucket.histogram[bin]);
      }
    }
  }

  private bucketStartOf(time: number): number {
    return Math.floor(time / this.bucketMs) * this.bucketMs;
  }

  private slotOf(start: number): number {
    const slot = (start / this.bucketMs) % this.bucketCount;
    return slot < 0 ? slot + this.bucketCount : slot;
  }

  /** Makes `start` the newest bucket and clears the slots whose buckets fall out of the window. */
  private advanceTo(start: number): void {
    const steps = (start - this.newestStart) / this.bucketMs;

    if (steps >= this.bucketCount) {
      // Every bucket has expired, so drop the histogram storage too.
      this.reset();
      for (let age = 0; age < this.bucketCount; age++) {
        const bucketStart = start - age * this.bucketMs;
        this.slots[this.slotOf(bucketStart) * SLOT_FIELDS + START] = bucketStart;
      }
    } else {
      for (let bucketStart = this.newestStart + this.bucketMs; bucketStart <= start; bucketStart += this.bucketMs) {
        this.clearSlot(this.slotOf(bucketStart), bucketStart);
      }
    }
    this.newestStart = start;
    this.newestEnd = start + this.bucketMs;
    this.newestSlot = this.slotOf(start);
  }

  private clearSlot(slot: number, newStart: number): void {
    const base = slot * SLOT_FIELDS;
    const calls = this.slots[base + CALLS];

    if (calls > 0) {
      this.totals.calls -= calls;
      this.totals.failures -= this.slots[base + FAILURES];
      this.totals.slow -= this.slots[base + SLOW];
      this.removalCount += 1;

      const counts = this.counts;
      if (counts) {
        const offset = slot * HISTOGRAM_BINS;
        const totalsOffset = this.bucketCount * HISTOGRAM_BINS;
        for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
          counts[totalsOffset + bin] -= counts[offset + bin];
          counts[offset + bin] = 0;
        }
      }
    }

    this.slots[base + START] = newStart;
    this.slots[base + CALLS] = 0;
    this.slots[base + FAILURES] = 0;
    this.slots[base + SLOW] = 0;
  }

  private addToBin(slot: number, bin: number, count: number): void {
    const totalsOffset = this.bucketCount * HISTOGRAM_BINS;
    let counts = this.counts;
    if (counts === null) {
      counts = new Uint8Array((this.bucketCount + 1) * HISTOGRAM_BINS);
      this.setCounts(counts);
    }

    // The window total of a bin is never below the bin's count in any one slot, so checking
    // the total is enough to know that both fit.
    const newTotal = counts[totalsOffset + bin] + count;
    if (newTotal > this.countsCapacity) {
      counts = widen(counts, newTotal);
      this.setCounts(counts);
    }

    counts[slot * HISTOGRAM_BINS + bin] += count;
    counts[totalsOffset + bin] = newTotal;
  }

  private setCounts(counts: CompactCounts): void {
    const totalsOffset = this.bucketCount * HISTOGRAM_BINS;
    this.counts = counts;
    this.countsCapacity = capacityOf(counts);
    this.totals.histogram = counts.subarray(totalsOffset, totalsOffset + HISTOGRAM_BINS);
  }
}

/**
 * Sums buckets from any source, such as the rows of several instances, over the window that
 * ends at `now`. A bucket counts while its start is after now - windowSeconds * 1000. Buckets
 * that start a whole window or more after `now` are ignored, because they come from a clock
 * that is far ahead. Smaller differences between instance clocks are tolerated.
 */
export function summarizeBuckets(
  buckets: readonly WindowBucket[],
  config: Pick<BreakerConfig, 'windowSeconds'>,
  now: number,
): WindowStats {
  const windowMs = config.windowSeconds * 1000;
  const stats: WindowStats = { calls: 0, failures: 0, slow: 0, histogram: new Array<number>(HISTOGRAM_BINS).fill(0) };

  for (const bucket of buckets) {
    if (bucket.start <= now - windowMs || bucket.start >= now + windowMs) continue;
    if (bucket.histogram.length !== HISTOGRAM_BINS) {
      throw new RangeError(
        `summarizeBuckets: bucket ${bucket.start} has ${bucket.histogram.length} histogram bins; ` +
          `expected ${HISTOGRAM_BINS}`,
      );
    }

    stats.calls += bucket.calls;
    stats.failures += bucket.failures;
    stats.slow += bucket.slow;
    for (let bin = 0; bin < HISTOGRAM_BINS; bin++) stats.histogram[bin] += bucket.histogram[bin];
  }
  return stats;
}
