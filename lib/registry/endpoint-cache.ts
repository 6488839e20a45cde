import type { BreakerConfig } from '../breaker/config';
import { parseBreakerConfig } from '../breaker/config';
import type { BreakerSnapshot } from '../breaker/types';
import { decryptSecret } from '../crypto/secrets';
import type { Db } from '../db/tx';
import { type RetryConfig, RetryConfigSchema } from '../delivery/retry';
import type { FallbackOn } from '../endpoints/schema';
import { breakerColumns, type BreakerRow, rowToSnapshot } from './rows';

export type CachedEndpoint = {
  id: string;
  name: string;
  url: string;
  fallbackUrl: string | null;
  fallbackOn: FallbackOn;
  tier: string;
  signingSecret: string;
  breaker: BreakerConfig;
  retry: RetryConfig;
  snapshot: BreakerSnapshot;
};

type JoinedRow = BreakerRow & {
  name: string;
  url: string;
  fallback_url: string | null;
  fallback_on: string;
  tier: string;
  signing_secret: string;
  breaker_config: unknown;
  retry_config: unknown;
};

const SELECT_JOINED = `
  SELECT ${breakerColumns('b')}, e.name, e.url, e.fallback_url, e.fallback_on, e.tier, e.signing_secret, e.breaker_config, e.retry_config
    FROM breaker_states b JOIN endpoints e ON e.id = b.endpoint_id`;

function toCached(row: JoinedRow): CachedEndpoint {
  const breaker = parseBreakerConfig(row.breaker_config);
  const retry = RetryConfigSchema.safeParse(row.retry_config);
  if (!breaker.success || !retry.success) {
    throw new Error(`Endpoint ${row.endpoint_id} has a stored configuration that no longer validates.`);
  }
  return {
    id: row.endpoint_id,
    name: row.name,
    url: row.url,
    fallbackUrl: row.fallback_url,
    fallbackOn: row.fallback_on as FallbackOn,
    tier: row.tier,
    signingSecret: decryptSecret(row.signing_secret),
    breaker: breaker.data,
    retry: retry.data,
    snapshot: rowToSnapshot(row),
  };
}

/** Loads endpoints with their breaker rows: all of them, or those changed since a time. */
export async function loadEndpoints(
  db: Db,
  filter: { ids?: string[]; changedSince?: Date } = {},
): Promise<{ endpoints: CachedEndpoint[]; dbNow: Date }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.ids) {
    params.push(filter.ids);
    conditions.push(`b.endpoint_id = ANY($${params.length})`);
  }
  if (filter.changedSince) {
    params.push(filter.changedSince);
    conditions.push(`(b.updated_at >= $${params.length} OR e.updated_at >= $${params.length})`);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  // Read the database clock first, so a change committed during the load is seen next time.
  const clock = await db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  const rows = await db.query<JoinedRow>(SELECT_JOINED + where, params);
  return { endpoints: rows.rows.map(toCached), dbNow: clock.rows[0].now };
}
