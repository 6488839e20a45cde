import { createHash } from 'node:crypto';

import { AppError } from '../api/errors';
import { asyncCommitPool, pool } from '../db/pool';
import { findSourceForIngest } from '../sources/service';
import { readBodyWithLimit } from './read-body';
import { takeToken } from './rate-limit';
import { verify } from './schemes';
import type { SchemeName } from './schemes/types';
import { storeEvent } from './store-event';

export type IngestReply = { status: number; body: unknown; headers?: Record<string, string> };

// Request headers kept with the event (no signatures or credentials).
const KEPT_HEADERS = ['content-type', 'user-agent', 'x-github-event', 'x-github-delivery', 'webhook-id', 'idempotency-key'];

/** Returns the client address for rate limiting: the first X-Forwarded-For hop from the proxy. */
export function clientAddress(headers: Headers): string {
  // NOTE: X-Forwarded-For is trusted as set by the reverse proxy in front of Switchyard; a
  // server exposed directly lets a client choose this key.
  const forwarded = headers.get('x-forwarded-for');
  return forwarded?.split(',')[0]?.trim() || headers.get('x-real-ip') || 'direct';
}

// Longer producer ids are stored as their SHA-256. A btree index entry in PostgreSQL can be at
// most 2 704 bytes, so a longer random id would fail the insert on every retry.
const MAX_EXTERNAL_ID = 256;

/** Removes NUL characters, which PostgreSQL text cannot store, from a signed id or type. */
function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}

/** Returns the key that deduplicates a producer's id: the id itself, or its hash when long. */
function dedupeKey(id: string | null): string | null {
  if (id === null) return null;
  const clean = withoutNul(id);
  if (clean.length <= MAX_EXTERNAL_ID) return clean;
  return `sha256:${createHash('sha256').update(clean).digest('hex')}`;
}

/**
 * Accepts one producer request, in the order the contract fixes: unknown source, size limit,
 * rate limit, signature on the raw bytes, then storage. A rejected request touches no breaker
 * and stores nothing.
 */
export async function ingest(sourceName: string, request: Request, observe?: (reason: string) => void): Promise<IngestReply> {
  const db = pool();
  const source = await findSourceForIngest(db, sourceName);
  if (!source) throw new AppError('not_found', `No source named ${sourceName}.`, { field: 'sourceName' });

  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > source.maxBodyBytes) {
    observe?.('payload_too_large');
    throw new AppError('payload_too_large', `The body is larger than this source's limit of ${source.maxBodyBytes} bytes.`, { field: 'body' });
  }

  const rate = await takeToken(asyncCommitPool(), `ingest:${source.id}:${clientAddress(request.headers)}`, source.ratePerSecond, source.rateBurst);
  if (!rate.allowed) {
    observe?.('rate_limited');
    throw new AppError('rate_limited', `Rate limit of ${source.ratePerSecond}/s for this source exceeded; retry after ${rate.retryAfterSeconds} s.`, {
      headers: { 'Retry-After': String(rate.retryAfterSeconds) },
    });
  }

  let body: Uint8Array;
  try {
    body = await readBodyWithLimit(request, source.maxBodyBytes);
  } catch (error) {
    observe?.('payload_too_large');
    throw error;
  }

  const verdict = await verify(source.scheme as SchemeName, {
    body,
    headers: request.headers,
    secrets: source.secrets,
    options: source.options,
    now: Date.now(),
  });
  if (!verdict.ok) {
    observe?.(verdict.code);
    return {
      status: verdict.status,
      body: { error: { code: verdict.code, message: verdict.message, ...(verdict.field ? { field: verdict.field } : {}) } },
    };
  }

  const externalId = dedupeKey(verdict.externalId ?? request.headers.get('idempotency-key'));
  const eventType = verdict.eventType === null ? null : withoutNul(verdict.eventType);
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value.slice(0, 512);
  }
  const stored = await storeEvent({ sourceId: source.id, externalId, eventType, body, headers }, source.subscriptionCount);
  if (stored.duplicate) {
    return { status: 200, body: { eventId: stored.eventId, deliveries: stored.deliveries, duplicate: true } };
  }
  return { status: 202, body: { eventId: stored.eventId, deliveries: stored.deliveries } };
}
