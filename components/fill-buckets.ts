import type { Bucket, BucketSeries } from '@/lib/client/queries';

import { CHART_SPAN_MS, type TimeDomain } from './time-axis';

/** The window charts' slots: every bucket of the shown period, and that period as the x domain. */
export type BucketSlots = { slots: Bucket[]; domain: TimeDomain; bucketMs: number };

/**
 * Returns one bucket per slot of the 15 minutes ending with the slot that contains `asOf`,
 * oldest first, and that period as the charts' x domain. Slots the API did not return (no
 * calls) get zero calls and null figures. Slot starts line up with the API's bucket starts, or
 * with multiples of the bucket length since the epoch when there is no data.
 */
export function fillBuckets(series: BucketSeries, asOf: number): BucketSlots {
  const bucketMs = series.bucketSeconds * 1000;
  if (!(bucketMs > 0)) {
    return { slots: series.data, domain: { start: asOf - CHART_SPAN_MS, end: asOf }, bucketMs: 0 };
  }

  const byStart = new Map(series.data.map((bucket) => [Date.parse(bucket.start), bucket]));
  const newest = series.data.length > 0 ? Date.parse(series.data[series.data.length - 1].start) : Number.NaN;

  let lastStart = Number.isNaN(newest) ? Math.floor(asOf / bucketMs) * bucketMs : newest;
  while (lastStart + bucketMs <= asOf) lastStart += bucketMs;

  const count = Math.max(1, Math.round(CHART_SPAN_MS / bucketMs));
  const slots: Bucket[] = [];
  for (let index = count - 1; index >= 0; index -= 1) {
    const start = lastStart - index * bucketMs;
    slots.push(byStart.get(start) ?? { start: new Date(start).toISOString(), calls: 0, failures: 0, errorRate: null, latencyPercentileMs: null });
  }
  return { slots, domain: { start: lastStart - (count - 1) * bucketMs, end: lastStart + bucketMs }, bucketMs };
}
