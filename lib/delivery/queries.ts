import { z } from 'zod';

import type { Db } from '../db/tx';

export const DELIVERY_STATUSES = ['pending', 'in_flight', 'delivered', 'failed', 'dead'] as const;

export const DeliveryListQuerySchema = z
  .object({
    endpointId: z.string().startsWith('ep_', 'must be an endpoint id (ep_…)').optional(),
    status: z.enum(DELIVERY_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().startsWith('dlv_', 'must be a cursor from a previous page').optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type DeliveryListQuery = z.infer<typeof DeliveryListQuerySchema>;

type DeliveryRow = {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
  dead_at: Date | null;
  last_error: string | null;
  dead_reason: string | null;
  route: string | null;
  replay_count: number;
  replay_id: string | null;
  event_type: string | null;
};

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

function present(row: DeliveryRow): Record<string, unknown> {
  return {
    id: row.id,
    eventId: row.event_id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    createdAt: iso(row.created_at),
    deliveredAt: iso(row.delivered_at),
    deadAt: iso(row.dead_at),
    lastError: row.last_error,
    deadReason: row.dead_reason,
    route: row.route,
    replayCount: row.replay_count,
    replayId: row.replay_id,
  };
}

const SELECT = `SELECT d.id, d.event_id, d.endpoint_id, d.status, d.attempts, d.next_attempt_at, d.created_at,
                       d.delivered_at, d.dead_at, d.last_error, d.dead_reason, d.route, d.replay_count, d.replay_id,
                       e.event_type
                  FROM deliveries d JOIN events e ON e.id = d.event_id`;

/** Lists deliveries newest first (ids are time-ordered), paged by id. */
export async function listDeliveries(db: Db, query: DeliveryListQuery): Promise<{ data: Record<string, unknown>[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown): void => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (query.endpointId) add('d.endpoint_id = ?', query.endpointId);
  if (query.status) add('d.status = ?', query.status);
  if (query.cursor) add('d.id < ?', query.cursor);
  if (query.since) add('d.created_at >= ?', new Date(query.since));
  if (query.until) add('d.created_at < ?', new Date(query.until));
  params.push(query.limit + 1);
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const result = await db.query<DeliveryRow>(`${SELECT}${where} ORDER BY d.id DESC LIMIT $${params.length}`, params);
  const page = result.rows.slice(0, query.limit);
  return { data: page.map(present), nextCursor: result.rows.length > query.limit ? page[page.length - 1].id : null };
}

export async function getDelivery(db: Db, id: string): Promise<Record<string, unknown> | null> {
  const result = await db.query<DeliveryRow & { body: Buffer }>(
    `${SELECT.replace('e.event_type', 'e.event_type, e.body')} WHERE d.id = $1`,
    [id],
  );
  const row = result.rows[0];
  if (!row) return null;
  const attempts = await db.query<AttemptRecord>('SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY started_at, number', [id]);
  return {
    ...present(row),
    payload: row.body.toString('utf8'),
    payloadBase64: row.body.toString('base64'),
    attempts: attempts.rows.map(presentAttempt),
  };
}

type AttemptRecord = {
  id: string;
  delivery_id: string;
  number: number;
  status: number | null;
  outcome: string;
  probe: boolean;
  replay: boolean;
  route: string;
  duration_ms: number;
  error: string | null;
  response_excerpt: string | null;
  instance_id: string;
  started_at: Date;
};

function presentAttempt(a: AttemptRecord): Record<string, unknown> {
  return {
    id: a.id,
    deliveryId: a.delivery_id,
    number: a.number,
    status: a.status,
    outcome: a.outcome,
    probe: a.probe,
    replay: a.replay,
    route: a.route,
    durationMs: a.duration_ms,
    error: a.error,
    responseExcerpt: a.response_excerpt,
    instance: a.instance_id,
    startedAt: a.started_at.toISOString(),
  };
}

/**
 * Lists an endpoint's attempts, newest first, from the (endpoint_id, started_at) index. The
 * cursor is the id of the last attempt of the previous page.
 */
export async function listEndpointAttempts(
  db: Db,
  endpointId: string,
  page: { limit: number; cursor?: string },
): Promise<{ data: Record<string, unknown>[]; nextCursor: string | null }> {
  const result = await db.query<AttemptRecord>(
    `SELECT a.* FROM attempts a
      WHERE a.endpoint_id = $1
        AND ($3::text IS NULL OR (a.started_at, a.id) < (SELECT c.started_at, c.id FROM attempts c WHERE c.id = $3))
      ORDER BY a.started_at DESC, a.id DESC
      LIMIT $2`,
    [endpointId, page.limit + 1, page.cursor ?? null],
  );
  const rows = result.rows.slice(0, page.limit);
  const nextCursor = result.rows.length > page.limit ? rows[rows.length - 1].id : null;
  return { data: rows.map(presentAttempt), nextCursor };
}
