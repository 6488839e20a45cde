import { randomBytes } from 'node:crypto';

import { percentileOf } from '../breaker';
import { asTier, observabilityConfig } from '../config/observability';
import { burnRate } from '../slo/budget';
import { outcomeCountsByEndpoint, outcomeCountsForEndpoints } from '../slo/queries';
import { type BreakerConfig, parseBreakerConfig } from '../breaker/config';
import { appendAudit } from '../audit/append';
import { AppError, fromZodError } from '../api/errors';
import { config } from '../config/env';
import { encryptSecret } from '../crypto/secrets';
import { pool } from '../db/pool';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { type RetryConfig, RetryConfigSchema } from '../delivery/retry';
import { newId } from '../ids';
import { checkTargetUrl, type Resolver } from '../net/target-check';
import { BREAKER_CHANNEL, notify } from '../registry/notify';
import { breakerColumns, type BreakerRow, rowToSnapshot } from '../registry/rows';
import { createBreaker } from '../registry/store';
import { type BreakerView, breakerViews, roundTenth } from './figures';
import type { CreateEndpointInput, PatchEndpointInput } from './schema';

export type EndpointView = {
  id: string;
  name: string;
  url: string;
  tier: string;
  fallbackUrl: string | null;
  fallbackOn: string;
  breaker: BreakerView;
  waiting: number;
  createdAt: string;
  updatedAt: string;
};

export type EndpointDetail = EndpointView & { breakerConfig: BreakerConfig; retry: RetryConfig };

type EndpointRow = BreakerRow & {
  id: string;
  name: string;
  url: string;
  tier: string;
  fallback_url: string | null;
  fallback_on: string;
  breaker_config: unknown;
  retry_config: unknown;
  created_at: Date;
  updated_at: Date;
  waiting: number;
};

const SELECT = `
  SELECT e.id, e.name, e.url, e.tier, e.fallback_url, e.fallback_on, e.breaker_config, e.retry_config, e.created_at, e.updated_at,
         ${breakerColumns('b')},
         (SELECT count(*)::int FROM deliveries d WHERE d.endpoint_id = e.id AND d.status IN ('pending', 'failed', 'in_flight')) AS waiting
    FROM endpoints e JOIN breaker_states b ON b.endpoint_id = e.id`;

async function checkUrl(field: 'url' | 'fallbackUrl', value: string, resolve?: Resolver): Promise<void> {
  const check = await checkTargetUrl(value, { allowPrivate: config().allowPrivateTargets, resolve });
  if (!check.ok) throw new AppError('invalid_request', `${field} ${check.message}.`, { field });
}

function validBreaker(input: unknown): BreakerConfig {
  const parsed = parseBreakerConfig(input ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, 'breaker');
  return parsed.data;
}

function validRetry(input: unknown): RetryConfig {
  const parsed = RetryConfigSchema.safeParse(input ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, 'retry');
  return parsed.data;
}

export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export async function createEndpoint(
  input: CreateEndpointInput,
  options: { actor: string; instanceId: string; now: number; resolve?: Resolver },
): Promise<{ endpoint: EndpointDetail; signingSecret: string }> {
  await checkUrl('url', input.url, options.resolve);
  if (input.fallbackUrl) await checkUrl('fallbackUrl', input.fallbackUrl, options.resolve);
  const breaker = validBreaker(input.breaker);
  const retry = validRetry(input.retry);
  const signingSecret = generateSigningSecret();
  const id = newId('endpoint');
  await withTransaction(async (db) => {
    await db.query(
      `INSERT INTO endpoints (id, name, url, fallback_url, fallback_on, tier, signing_secret, breaker_config, retry_config)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, input.name, input.url, input.fallbackUrl ?? null, input.fallbackOn ?? 'held', input.tier, encryptSecret(signingSecret), JSON.stringify(breaker), JSON.stringify(retry)],
    );
    await createBreaker(db, id, options.now, options.instanceId);
    await appendAudit(db, {
      actor: options.actor,
      action: 'endpoint.create',
      targetId: id,
      after: { name: input.name, url: input.url, tier: input.tier, fallbackUrl: input.fallbackUrl ?? null, fallbackOn: input.fallbackOn ?? 'held', breaker, retry },
    });
    await notify(db, BREAKER_CHANNEL, id);
  });
  const endpoint = await getEndpoint(pool(), id, options.now);
  if (!endpoint) throw new AppError('internal', 'The endpoint was created but could not be read back.');
  return { endpoint, signingSecret };
}

export async function patchEndpoint(
  db: Db,
  id: string,
  input: PatchEndpointInput,
  options: { actor: string; now: number; resolve?: Resolver },
): Promise<EndpointDetail> {
  if (input.url !== undefined) await checkUrl('url', input.url, options.resolve);
  if (input.fallbackUrl) await checkUrl('fallbackUrl', input.fallbackUrl, options.resolve);
  await withTransaction(async (tx) => {
    const current = await tx.query<{ name: string; url: string; tier: string; fallback_url: string | null; fallback_on: string; breaker_config: Record<string, unknown>; retry_config: Record<string, unknown> }>(
      'SELECT name, url, tier, fallback_url, fallback_on, breaker_config, retry_config FROM endpoints WHERE id = $1 FOR UPDATE',
      [id],
    );
    const row = current.rows[0];
    if (!row) throw new AppError('not_found', `No endpoint with id ${id}.`, { field: 'id' });
    const breaker = input.breaker ? validBreaker({ ...row.breaker_config, ...input.breaker }) : row.breaker_config;
    const retry = input.retry ? validRetry({ ...row.retry_config, ...input.retry }) : row.retry_config;
    const after = {
      name: input.name ?? row.name,
      url: input.url ?? row.url,
      tier: input.tier ?? row.tier,
      fallbackUrl: input.fallbackUrl === undefined ? row.fallback_url : input.fallbackUrl,
      fallbackOn: input.fallbackOn ?? row.fallback_on,
      breaker,
      retry,
    };
    await tx.query(
      `UPDATE endpoints SET name = $2, url = $3, tier = $4, fallback_url = $5, fallback_on = $6, breaker_config = $7, retry_config = $8,
              updated_at = now()
        WHERE id = $1`,
      [id, after.name, after.url, after.tier, after.fallbackUrl, after.fallbackOn, JSON.stringify(after.breaker), JSON.stringify(after.retry)],
    );
    await appendAudit(tx, {
      actor: options.actor,
      action: 'endpoint.update',
      targetId: id,
      before: { name: row.name, url: row.url, tier: row.tier, fallbackUrl: row.fallback_url, fallbackOn: row.fallback_on, breaker: row.breaker_config, retry: row.retry_config },
      after,
    });
    await notify(tx, BREAKER_CHANNEL, id);
  });
  const endpoint = await getEndpoint(db, id, options.now);
  if (!endpoint) throw new AppError('not_found', `No endpoint with id ${id}.`, { field: 'id' });
  return endpoint;
}

async function present(db: Db, rows: EndpointRow[], now: number): Promise<EndpointDetail[]> {
  const parsed = rows.map((row) => ({ row, config: validBreaker(row.breaker_config), snapshot: rowToSnapshot(row) }));
  const views = await breakerViews(
    db,
    parsed.map((p) => ({ id: p.row.id, snapshot: p.snapshot, reason: p.row.reason, config: p.config })),
    now,
  );
  return parsed.map(({ row, config: breakerConfig }) => ({
    id: row.id,
    name: row.name,
    url: row.url,
    tier: row.tier,
    fallbackUrl: row.fallback_url,
    fallbackOn: row.fallback_on,
    breaker: views.get(row.id)!,
    waiting: row.waiting,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    breakerConfig,
    retry: validRetry(row.retry_config),
  }));
}

export async function getEndpoint(db: Db, id: string, now: number): Promise<EndpointDetail | null> {
  const result = await db.query<EndpointRow>(`${SELECT} WHERE e.id = $1`, [id]);
  if (!result.rows[0]) return null;
  return (await present(db, result.rows, now))[0];
}

export type EndpointFilter = { state?: string; tier?: string; q?: string; limit: number; cursor?: string; sort?: 'id' | 'burn' | 'since' };

const HOUR_MS = 3_600_000;

/** Burn rate over the last hour per endpoint: error ratio divided by the tier's error budget. */
async function burnRates(db: Db, endpointIds: string[] | null, tiers: Map<string, string>, now: number): Promise<Map<string, number>> {
  const counts = endpointIds
    ? await outcomeCountsForEndpoints(db, endpointIds, now - HOUR_MS, now + 1)
    : await outcomeCountsByEndpoint(db, now - HOUR_MS, now + 1);
  const objectives = observabilityConfig().objectives;
  const rates = new Map<string, number>();
  for (const [endpointId, count] of counts) {
    rates.set(endpointId, burnRate(count, objectives[asTier(tiers.get(endpointId) ?? 'standard')]));
  }
  return rates;
}

export async function listEndpoints(
  db: Db,
  filter: EndpointFilter,
  now: number,
): Promise<{ data: EndpointView[]; nextCursor: string | null; counts: Record<string, number> }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.state) add('b.state = ?', filter.state);
  if (filter.tier) add('e.tier = ?', filter.tier);
  if (filter.q) add("e.name ILIKE '%' || ? || '%'", filter.q.replace(/[%_\\]/g, (c) => `\\${c}`));
  const sort = filter.sort ?? 'id';
  // Sorted lists page by offset (the cursor is a number); the id order pages by id.
  const offset = sort !== 'id' && filter.cursor && /^\d+$/.test(filter.cursor) ? Number(filter.cursor) : 0;
  if (sort === 'id' && filter.cursor?.startsWith('ep_')) add('e.id > ?', filter.cursor);
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';

  let rows: EndpointRow[];
  let burn = new Map<string, number>();
  if (sort === 'burn') {
    // Rank every matching endpoint by burn, then read only the page's rows.
    const candidates = await db.query<{ id: string; tier: string }>(`SELECT e.id, e.tier FROM endpoints e JOIN breaker_states b ON b.endpoint_id = e.id${where}`, params);
    burn = await burnRates(db, null, new Map(candidates.rows.map((r) => [r.id, r.tier])), now);
    const ranked = candidates.rows
      .map((r) => r.id)
      .sort((a, b) => (burn.get(b) ?? 0) - (burn.get(a) ?? 0) || (a < b ? -1 : 1))
      .slice(offset, offset + filter.limit + 1);
    const fetched = await db.query<EndpointRow>(`${SELECT} WHERE e.id = ANY($1)`, [ranked]);
    const byId = new Map(fetched.rows.map((row) => [row.id, row]));
    rows = ranked.map((id) => byId.get(id)!).filter(Boolean);
  } else {
    const order = sort === 'since' ? 'b.since ASC, e.id' : 'e.id';
    params.push(filter.limit + 1);
    const limit = `$${params.length}`;
    params.push(offset);
    rows = (await db.query<EndpointRow>(`${SELECT}${where} ORDER BY ${order} LIMIT ${limit} OFFSET $${params.length}`, params)).rows;
  }
  const page = rows.slice(0, filter.limit);
  if (sort !== 'burn') {
    burn = await burnRates(db, page.map((row) => row.id), new Map(page.map((row) => [row.id, row.tier])), now);
  }
  const counts = await db.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM breaker_states GROUP BY state');
  const allCounts: Record<string, number> = { closed: 0, open: 0, half_open: 0, forced_open: 0, forced_closed: 0, disabled: 0, metrics_only: 0 };
  for (const row of counts.rows) allCounts[row.state] = row.n;
  const data = (await present(db, page, now)).map(({ breakerConfig: _config, retry: _retry, ...view }) => ({
    ...view,
    burnRate1h: burn.get(view.id) ?? 0,
  }));
  const more = rows.length > filter.limit;
  let nextCursor: string | null = null;
  if (more) nextCursor = sort === 'id' ? page[page.length - 1].id : String(offset + filter.limit);
  return { data, nextCursor, counts: allCounts };
}

export type BucketPoint = { start: string; calls: number; failures: number; errorRate: number | null; latencyPercentileMs: number | null };

/** Per-bucket figures over the last `minutes`, summed over instances and breaker versions. */
export async function bucketSeries(db: Db, id: string, minutes: number, now: number): Promise<{ data: BucketPoint[]; thresholds: Record<string, number>; bucketSeconds: number } | null> {
  const endpoint = await db.query<{ breaker_config: unknown }>('SELECT breaker_config FROM endpoints WHERE id = $1', [id]);
  if (!endpoint.rows[0]) return null;
  const breaker = validBreaker(endpoint.rows[0].breaker_config);
  const rows = await db.query<{ bucket_start: Date; calls: number; failures: number; histogram: number[] }>(
    'SELECT bucket_start, calls, failures, histogram FROM breaker_buckets WHERE endpoint_id = $1 AND bucket_start > $2 ORDER BY bucket_start',
    [id, new Date(now - minutes * 60_000)],
  );
  const merged = new Map<number, { calls: number; failures: number; histogram: number[] }>();
  for (const row of rows.rows) {
    const key = row.bucket_start.getTime();
    const entry = merged.get(key);
    if (!entry) {
      merged.set(key, { calls: row.calls, failures: row.failures, histogram: [...row.histogram] });
    } else {
      entry.calls += row.calls;
      entry.failures += row.failures;
      row.histogram.forEach((count, i) => (entry.histogram[i] = (entry.histogram[i] ?? 0) + count));
    }
  }
  const data = [...merged.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, b]) => ({
      start: new Date(start).toISOString(),
      calls: b.calls,
      failures: b.failures,
      errorRate: b.calls > 0 ? b.failures / b.calls : null,
      latencyPercentileMs: roundTenth(percentileOf(b.histogram, breaker.latencyPercentile)),
    }));
  return {
    data,
    thresholds: {
      failureRateThreshold: breaker.failureRateThreshold,
      latencyThresholdMs: breaker.latencyThresholdMs,
      latencyPercentile: breaker.latencyPercentile,
    },
    bucketSeconds: breaker.bucketSeconds,
  };
}

type TransitionRow = { id: string; from_state: string; to_state: string; reason: string; note: string | null; actor: string; at: Date; window: unknown; instance_id: string; version: number };

/**
 * Lists an endpoint's transitions, newest first. The cursor is the breaker version of the last
 * row of the previous page: versions rise by one per transition and are unique per endpoint.
 */
export async function listTransitions(
  db: Db,
  id: string,
  page: { limit: number; cursor?: number },
): Promise<{ data: Record<string, unknown>[]; nextCursor: string | null }> {
  const result = await db.query<TransitionRow>(
    `SELECT id, from_state, to_state, reason, note, actor, at, "window", instance_id, version
       FROM transitions WHERE endpoint_id = $1 AND ($3::int IS NULL OR version < $3)
      ORDER BY version DESC LIMIT $2`,
    [id, page.limit + 1, page.cursor ?? null],
  );
  const rows = result.rows.slice(0, page.limit);
  const nextCursor = result.rows.length > page.limit ? String(rows[rows.length - 1].version) : null;
  return { data: rows.map(presentTransition), nextCursor };
}

function presentTransition(row: TransitionRow): Record<string, unknown> {
  return {
    id: row.id,
    from: row.from_state,
    to: row.to_state,
    // An operator's transition shows the reason they typed; the system's shows its code.
    reason: row.actor !== 'system' && row.note ? row.note : row.reason,
    reasonCode: row.reason,
    note: row.note,
    actor: row.actor,
    at: row.at.toISOString(),
    window: row.window,
    instance: row.instance_id,
    version: row.version,
  };
}
