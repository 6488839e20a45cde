import type { Bucket, BucketSeries } from '@/lib/client/queries';

/** Time span of the window charts, the same 15 minutes that the buckets route covers. */
export const CHART_SPAN_SECONDS = 15 * 60;

/**
 * Returns one bucket per slot of the last 15 minutes up to `asOf`, oldest first, so the charts
 * show a true time axis. Slots the API did not return (no calls) get zero calls and null figures.
 */
export function fillBuckets(series: BucketSeries, asOf: number): Bucket[] {
  const bucketMs = series.bucketSeconds * 1000;
  if (!(bucketMs > 0)) return series.data;

  const byStart = new Map(series.data.map((bucket) => [Date.parse(bucket.start), bucket]));
  const newest = series.data.length > 0 ? Date.parse(series.data[series.data.length - 1].start) : Number.NaN;

  // Slots line up with the API's bucket starts, or with the epoch when there is no data.
  let end = Number.isNaN(newest) ? Math.floor(asOf / bucketMs) * bucketMs : newest;
  while (end + bucketMs <= asOf) end += bucketMs;

  const slots = Math.max(1, Math.round(CHART_SPAN_SECONDS / series.bucketSeconds));
  const filled: Bucket[] = [];
  for (let index = slots - 1; index >= 0; index -= 1) {
    const start = end - index * bucketMs;
    filled.push(
      byStart.get(start) ?? { start: new Date(start).toISOString(), calls: 0, failures: 0, errorRate: null, latencyPercentileMs: null },
    );
  }
  return filled;
}
