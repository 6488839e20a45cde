import { percentileOf, summarizeBuckets } from '../breaker';
import type { BreakerConfig } from '../breaker/config';
import type { BreakerSnapshot } from '../breaker/types';
import type { Db } from '../db/tx';
import { readRecentBuckets } from '../registry/buckets';

export type BreakerView = {
  state: string;
  errorRate: number | null;
  volume: number;
  latencyP95Ms: number | null;
  openedAt: string | null;
  reason: string;
  since: string;
  version: number;
  pausedUntil: string | null;
  expiresAt: string | null;
};

type Input = { id: string; snapshot: BreakerSnapshot; reason: string; config: BreakerConfig };

/**
 * Computes the breaker figures the API and console show: error rate, volume and p95 of calls in
 * the last window, summed over the buckets of every instance. Calls from before the latest
 * transition count here, so an open breaker still shows the traffic that tripped it. The trip
 * rule itself only reads calls made under the current breaker version.
 */
export async function breakerViews(db: Db, endpoints: Input[], now: number): Promise<Map<string, BreakerView>> {
  const longest = Math.max(60, ...endpoints.map((e) => e.config.windowSeconds)) * 1000;
  const stored = await readRecentBuckets(
    db,
    endpoints.map((e) => e.id),
    now - longest,
  );
  const views = new Map<string, BreakerView>();
  for (const endpoint of endpoints) {
    const stats = summarizeBuckets(stored.get(endpoint.id) ?? [], endpoint.config, now);
    const s = endpoint.snapshot;
    views.set(endpoint.id, {
      state: s.state,
      errorRate: stats.calls > 0 ? stats.failures / stats.calls : null,
      volume: stats.calls,
      latencyP95Ms: roundTenth(percentileOf(stats.histogram, 0.95)),
      openedAt: s.state === 'open' || s.state === 'forced_open' ? new Date(s.since).toISOString() : null,
      reason: endpoint.reason,
      since: new Date(s.since).toISOString(),
      version: s.version,
      pausedUntil: s.pausedUntil !== null && s.pausedUntil > now ? new Date(s.pausedUntil).toISOString() : null,
      expiresAt: s.expiresAt !== null ? new Date(s.expiresAt).toISOString() : null,
    });
  }
  return views;
}

/** Rounds to 0.1 ms: the histogram's bins are about 5 % wide, so more digits mean nothing. */
export function roundTenth(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
