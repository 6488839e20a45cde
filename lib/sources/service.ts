import { appendAudit } from '../audit/append';
import { AppError, fromZodError, notFound } from '../api/errors';
import { decryptSecret, encryptSecret } from '../crypto/secrets';
import { prisma } from '../db/prisma';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import { SCHEME_OPTION_KEYS, SchemeOptionsSchema, type SchemeName, type SchemeOptions } from '../ingest/schemes/types';
import { type CreateSourceInput, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT, type UpdateSourceInput } from './schema';

export type SourceRecord = {
  id: string;
  name: string;
  scheme: string;
  options: SchemeOptions;
  ratePerSecond: number;
  rateBurst: number;
  maxBodyBytes: number;
  createdAt: Date;
};

export type SourceWithSecrets = SourceRecord & {
  secrets: string[];
  /** Subscriptions when the cache entry was read; sizes the id list of a fan-out. */
  subscriptionCount: number;
};

type SourceRow = {
  id: string;
  name: string;
  scheme: string;
  secrets: string;
  options: unknown;
  rate_per_second: number;
  rate_burst: number;
  max_body_bytes: number;
  created_at: Date;
};

function toRecord(row: SourceRow): SourceRecord {
  return {
    id: row.id,
    name: row.name,
    scheme: row.scheme,
    options: SchemeOptionsSchema.parse(row.options ?? {}),
    ratePerSecond: row.rate_per_second,
    rateBurst: row.rate_burst,
    maxBodyBytes: row.max_body_bytes,
    createdAt: row.created_at,
  };
}

/** Returns the options a source's scheme reads, leaving out the other schemes' defaults. */
function schemeOptions(scheme: string, options: SchemeOptions): Partial<SchemeOptions> {
  const keys = SCHEME_OPTION_KEYS[scheme as SchemeName] ?? [];
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}

/** Returns the public view of a source: everything but its secrets, plus its ingest URL. */
export function presentSource(source: SourceRecord, baseUrl: string): Record<string, unknown> {
  return {
    id: source.id,
    name: source.name,
    scheme: source.scheme,
    ingestUrl: `${baseUrl}/api/v1/ingest/${source.name}`,
    rateLimit: { perSecond: source.ratePerSecond, burst: source.rateBurst },
    maxBodyBytes: source.maxBodyBytes,
    options: schemeOptions(source.scheme, source.options),
    createdAt: source.createdAt.toISOString(),
  };
}

/** Throws a 400 naming the field when `secrets` and `options` cannot verify anything for `scheme`. */
function checkSecrets(scheme: string, secrets: string[], options: SchemeOptions): void {
  if (scheme !== 'jwt' && secrets.length === 0) {
    throw new AppError('invalid_request', `secrets: the ${scheme} scheme needs at least one secret.`, { field: 'secrets' });
  }
  if (scheme === 'standard-webhooks') {
    const bad = secrets.findIndex((s) => !/^whsec_[A-Za-z0-9+/=]+$/.test(s));
    if (bad >= 0) {
      throw new AppError('invalid_request', `secrets.${bad}: a Standard Webhooks secret is "whsec_" followed by base64.`, { field: `secrets.${bad}` });
    }
  }
  if (scheme === 'jwt' && secrets.length === 0 && !options.publicKey && !options.jwks) {
    throw new AppError('invalid_request', 'secrets: a jwt source needs an HS256 secret, options.publicKey or options.jwks.', { field: 'secrets' });
  }
}

export async function createSource(input: CreateSourceInput, actor: string): Promise<SourceRecord> {
  const options = SchemeOptionsSchema.safeParse(input.options ?? {});
  if (!options.success) throw fromZodError(options.error, 'options');
  checkSecrets(input.scheme, input.secrets, options.data);
  const rate = input.rateLimit ?? DEFAULT_RATE_LIMIT;
  const id = newId('source');
  return withTransaction(async (db) => {
    const existing = await db.query('SELECT 1 FROM sources WHERE name = $1', [input.name]);
    if (existing.rowCount) throw new AppError('conflict', `A source named ${input.name} already exists.`, { field: 'name' });
    const result = await db.query<SourceRow>(
      `INSERT INTO sources (id, name, scheme, secrets, options, rate_per_second, rate_burst, max_body_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [id, input.name, input.scheme, encryptSecret(JSON.stringify(input.secrets)), JSON.stringify(options.data), rate.perSecond, rate.burst, input.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES],
    );
    const record = toRecord(result.rows[0]);
    await appendAudit(db, {
      actor,
      action: 'source.create',
      targetId: id,
      after: { name: record.name, scheme: record.scheme, rateLimit: rate, secretCount: input.secrets.length },
    });
    return record;
  });
}

/**
 * Changes a source's secrets, options, rate limit or body limit, audited without the secrets.
 * This instance reads the change at once, and other instances within the source cache's age.
 */
export async function updateSource(id: string, input: UpdateSourceInput, actor: string): Promise<SourceRecord> {
  return withTransaction(async (db) => {
    const current = await db.query<SourceRow>('SELECT * FROM sources WHERE id = $1 FOR UPDATE', [id]);
    const row = current.rows[0];
    if (!row) throw notFound('source', id);
    const before = toRecord(row);
    const parsed = SchemeOptionsSchema.safeParse(input.options ?? row.options ?? {});
    if (!parsed.success) throw fromZodError(parsed.error, 'options');
    const currentSecrets = JSON.parse(decryptSecret(row.secrets)) as string[];
    const secrets = input.secrets ?? currentSecrets;
    checkSecrets(row.scheme, secrets, parsed.data);
    const rate = input.rateLimit ?? { perSecond: row.rate_per_second, burst: row.rate_burst };
    const result = await db.query<SourceRow>(
      `UPDATE sources SET secrets = $2, options = $3, rate_per_second = $4, rate_burst = $5, max_body_bytes = $6
        WHERE id = $1 RETURNING *`,
      [id, encryptSecret(JSON.stringify(secrets)), JSON.stringify(parsed.data), rate.perSecond, rate.burst, input.maxBodyBytes ?? row.max_body_bytes],
    );
    const after = toRecord(result.rows[0]);
    const summary = (record: SourceRecord, secretCount: number) => ({
      rateLimit: { perSecond: record.ratePerSecond, burst: record.rateBurst },
      maxBodyBytes: record.maxBodyBytes,
      options: schemeOptions(record.scheme, record.options),
      secretCount,
    });
    await appendAudit(db, {
      actor,
      action: 'source.update',
      targetId: id,
      before: summary(before, currentSecrets.length),
      after: { ...summary(after, secrets.length), secretsReplaced: input.secrets !== undefined },
    });
    (globalThis as CacheHolder).__switchyardSourceCache?.delete(row.name);
    return after;
  });
}

type SourceModel = {
  id: string;
  name: string;
  scheme: string;
  options: unknown;
  ratePerSecond: number;
  rateBurst: number;
  maxBodyBytes: number;
  createdAt: Date;
};

function fromModel(model: SourceModel): SourceRecord {
  return {
    id: model.id,
    name: model.name,
    scheme: model.scheme,
    options: SchemeOptionsSchema.parse(model.options ?? {}),
    ratePerSecond: model.ratePerSecond,
    rateBurst: model.rateBurst,
    maxBodyBytes: model.maxBodyBytes,
    createdAt: model.createdAt,
  };
}

// Reads that need no lock or batch go through the Prisma client; secrets are never selected.
const PUBLIC_FIELDS = { id: true, name: true, scheme: true, options: true, ratePerSecond: true, rateBurst: true, maxBodyBytes: true, createdAt: true } as const;

export async function listSources(): Promise<SourceRecord[]> {
  const rows = await prisma().source.findMany({ select: PUBLIC_FIELDS, orderBy: { createdAt: 'asc' } });
  return rows.map(fromModel);
}

export async function getSource(id: string): Promise<SourceRecord | null> {
  const row = await prisma().source.findUnique({ select: PUBLIC_FIELDS, where: { id } });
  return row ? fromModel(row) : null;
}

type CacheEntry = { at: number; source: SourceWithSecrets | null };
type CacheHolder = { __switchyardSourceCache?: Map<string, CacheEntry> };

// Sources change rarely; ingest reads them from a cache this old at most.
const SOURCE_CACHE_MS = 2_000;

/** Finds a source by name with its decrypted secrets, for the ingest path. */
export async function findSourceForIngest(db: Db, name: string): Promise<SourceWithSecrets | null> {
  const holder = globalThis as CacheHolder;
  holder.__switchyardSourceCache ??= new Map();
  const cache = holder.__switchyardSourceCache;
  const hit = cache.get(name);
  if (hit && Date.now() - hit.at < SOURCE_CACHE_MS) return hit.source;
  const result = await db.query<SourceRow & { subscription_count: number }>(
    `SELECT s.*, (SELECT count(*)::int FROM subscriptions WHERE source_id = s.id) AS subscription_count
       FROM sources s WHERE s.name = $1`,
    [name],
  );
  const row = result.rows[0];
  const source = row
    ? { ...toRecord(row), secrets: JSON.parse(decryptSecret(row.secrets)) as string[], subscriptionCount: row.subscription_count }
    : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(name, { at: Date.now(), source });
  return source;
}
