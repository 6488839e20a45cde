import type { Db } from '../db/tx';

export type StoredBucket = {
  start: number;
  calls: number;
  failures: number;
  slow: number;
  histogram: number[];
};

export type BucketWrite = StoredBucket & { endpointId: string; version: number };

/**
 * Writes this instance's absolute counts for each live bucket. Rows belong to one instance,
 * so a repeated flush overwrites instead of adding twice.
 */
export async function writeBuckets(db: Db, instanceId: string, buckets: BucketWrite[]): Promise<void> {
  if (buckets.length === 0) return;
  await db.query(
    `INSERT INTO breaker_buckets (endpoint_id, instance_id, version, bucket_start, calls, failures, slow, histogram, updated_at)
     SELECT u.endpoint_id, $1, u.version, u.bucket_start, u.calls, u.failures, u.slow,
            ARRAY(SELECT jsonb_array_elements_text(u.histogram)::int), now()
       FROM unnest($2::text[], $3::int[], $4::timestamptz[], $5::int[], $6::int[], $7::int[], $8::jsonb[])
            AS u(endpoint_id, version, bucket_start, calls, failures, slow, histogram)
     ON CONFLICT (endpoint_id, instance_id, version, bucket_start)
     DO UPDATE SET calls = EXCLUDED.calls, failures = EXCLUDED.failures, slow = EXCLUDED.slow,
                   histogram = EXCLUDED.histogram, updated_at = now()`,
    [
      instanceId,
      buckets.map((b) => b.endpointId),
      buckets.map((b) => b.version),
      buckets.map((b) => new Date(b.start)),
      buckets.map((b) => b.calls),
      buckets.map((b) => b.failures),
      buckets.map((b) => b.slow),
      buckets.map((b) => JSON.stringify(b.histogram)),
    ],
  );
}

type BucketRow = { endpoint_id: string; bucket_start: Date; calls: number; failures: number; slow: number; histogram: number[] };

function groupByEndpoint(rows: BucketRow[]): Map<string, StoredBucket[]> {
  const byEndpoint = new Map<string, StoredBucket[]>();
  for (const row of rows) {
    const list = byEndpoint.get(row.endpoint_id) ?? [];
    list.push({ start: row.bucket_start.getTime(), calls: row.calls, failures: row.failures, slow: row.slow, histogram: row.histogram });
    byEndpoint.set(row.endpoint_id, list);
  }
  return byEndpoint;
}

/** Reads every instance's buckets of the given breaker versions that start after `since`. */
export async function readBuckets(
  db: Db,
  keys: { endpointId: string; version: number }[],
  since: number,
): Promise<Map<string, StoredBucket[]>> {
  if (keys.length === 0) return new Map();
  const result = await db.query<BucketRow>(
    `SELECT b.endpoint_id, b.bucket_start, b.calls, b.failures, b.slow, b.histogram
       FROM breaker_buckets b
       JOIN unnest($1::text[], $2::int[]) AS k(endpoint_id, version)
         ON b.endpoint_id = k.endpoint_id AND b.version = k.version
      WHERE b.bucket_start > $3`,
    [keys.map((k) => k.endpointId), keys.map((k) => k.version), new Date(since)],
  );
  return groupByEndpoint(result.rows);
}

/** Reads every instance's buckets of every breaker version that start after `since`. */
export async function readRecentBuckets(db: Db, endpointIds: string[], since: number): Promise<Map<string, StoredBucket[]>> {
  if (endpointIds.length === 0) return new Map();
  const result = await db.query<BucketRow>(
    `SELECT endpoint_id, bucket_start, calls, failures, slow, histogram FROM breaker_buckets
      WHERE endpoint_id = ANY($1) AND bucket_start > $2`,
    [endpointIds, new Date(since)],
  );
  return groupByEndpoint(result.rows);
}

/** Deletes bucket rows older than `before`; they no longer count in any window or chart. */
export async function pruneBuckets(db: Db, before: number): Promise<number> {
  const result = await db.query('DELETE FROM breaker_buckets WHERE bucket_start < $1', [new Date(before)]);
  return result.rowCount ?? 0;
}
