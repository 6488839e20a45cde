import { isEmbedded, pool } from '../db/pool';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import { DELIVERY_CHANNEL, localBus, notify } from '../registry/notify';
import { matchesEventType } from '../subscriptions/service';

export type StoredEvent = { eventId: string; deliveries: number; duplicate: boolean };

export type EventInput = {
  sourceId: string;
  externalId: string | null;
  eventType: string | null;
  body: Uint8Array;
  headers: Record<string, string>;
};

// Postgres error code for a NOT NULL violation: the fast path ran out of delivery ids.
const NOT_NULL_VIOLATION = '23502';

/**
 * Stores the event and its deliveries in one statement (one round trip, atomic on its own).
 * Delivery ids come from `deliveryIds`, sized from the cached subscription count; when a new
 * subscription makes the list too short, the statement fails as a whole and the caller falls
 * back to the transactional path. Event types match as in `matchesEventType`.
 */
async function storeEventInOneStatement(input: EventInput, deliveryIds: string[]): Promise<StoredEvent | null> {
  const eventId = newId('event');
  const result = await pool().query<{ created: number; deliveries: number }>(
    `WITH ev AS (
       INSERT INTO events (id, source_id, external_id, event_type, body, headers)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source_id, external_id) DO NOTHING
       RETURNING id
     ),
     targets AS (
       SELECT s.endpoint_id, row_number() OVER (ORDER BY s.endpoint_id) AS n
         FROM subscriptions s
        WHERE s.source_id = $2 AND EXISTS (SELECT 1 FROM ev)
          AND (COALESCE(cardinality(s.event_types), 0) = 0
               OR ($4::text IS NOT NULL AND EXISTS (
                     SELECT 1 FROM unnest(s.event_types) AS p(pattern)
                      WHERE p.pattern = '*' OR p.pattern = $4
                         OR (right(p.pattern, 2) = '.*' AND starts_with($4, left(p.pattern, -1))))))
     ),
     inserted AS (
       INSERT INTO deliveries (id, event_id, endpoint_id, status, next_attempt_at)
       SELECT ($7::text[])[t.n], $1, t.endpoint_id, 'pending', now() FROM targets t
       RETURNING endpoint_id
     )
     SELECT (SELECT count(*) FROM ev)::int AS created,
            (SELECT count(*) FROM inserted)::int AS deliveries,
            (SELECT pg_notify($8, $1) FROM inserted WHERE $9 LIMIT 1) IS NULL AS quiet`,
    [eventId, input.sourceId, input.externalId, input.eventType, Buffer.from(input.body), JSON.stringify(input.headers), deliveryIds, DELIVERY_CHANNEL, !isEmbedded()],
  );
  const row = result.rows[0];
  if (row.created === 0) return null;
  if (row.deliveries > 0 && isEmbedded()) localBus().emit(DELIVERY_CHANNEL, eventId);
  return { eventId, deliveries: row.deliveries, duplicate: false };
}

async function findExisting(input: EventInput): Promise<StoredEvent> {
  const first = await pool().query<{ id: string; deliveries: number }>(
    `SELECT e.id, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS deliveries
       FROM events e WHERE e.source_id = $1 AND e.external_id = $2`,
    [input.sourceId, input.externalId],
  );
  return { eventId: first.rows[0].id, deliveries: first.rows[0].deliveries, duplicate: true };
}

/**
 * Stores an event with its exact bytes and one delivery per matching subscription, all or
 * nothing. A repeated external id for the same source creates nothing and returns the first
 * event; the unique index on (source_id, external_id) decides races between instances.
 */
export async function storeEvent(input: EventInput, subscriptionCount?: number): Promise<StoredEvent> {
  if (subscriptionCount !== undefined) {
    const ids = Array.from({ length: subscriptionCount + 2 }, () => newId('delivery'));
    try {
      const stored = await storeEventInOneStatement(input, ids);
      return stored ?? (await findExisting(input));
    } catch (error) {
      if ((error as { code?: string }).code !== NOT_NULL_VIOLATION) throw error;
    }
  }
  return storeEventInTransaction(input);
}

/**
 * Stores an event in a transaction of several statements: the path for a fan-out wider than
 * the cached subscription count.
 */
async function storeEventInTransaction(input: EventInput): Promise<StoredEvent> {
  return withTransaction(async (db) => {
    const eventId = newId('event');
    const inserted = await db.query<{ id: string }>(
      `INSERT INTO events (id, source_id, external_id, event_type, body, headers)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (source_id, external_id) DO NOTHING RETURNING id`,
      [eventId, input.sourceId, input.externalId, input.eventType, Buffer.from(input.body), JSON.stringify(input.headers)],
    );
    if (!inserted.rows[0]) {
      const first = await db.query<{ id: string; deliveries: number }>(
        `SELECT e.id, (SELECT count(*)::int FROM deliveries d WHERE d.event_id = e.id) AS deliveries
           FROM events e WHERE e.source_id = $1 AND e.external_id = $2`,
        [input.sourceId, input.externalId],
      );
      return { eventId: first.rows[0].id, deliveries: first.rows[0].deliveries, duplicate: true };
    }

    const subscriptions = await db.query<{ endpoint_id: string; event_types: string[] }>(
      'SELECT endpoint_id, event_types FROM subscriptions WHERE source_id = $1',
      [input.sourceId],
    );
    const endpointIds = subscriptions.rows
      .filter((row) => matchesEventType(row.event_types ?? [], input.eventType))
      .map((row) => row.endpoint_id);
    if (endpointIds.length > 0) {
      await db.query(
        `INSERT INTO deliveries (id, event_id, endpoint_id, status, next_attempt_at)
         SELECT u.id, $1, u.endpoint_id, 'pending', now() FROM unnest($2::text[], $3::text[]) AS u(id, endpoint_id)`,
        [eventId, endpointIds.map(() => newId('delivery')), endpointIds],
      );
      await notify(db, DELIVERY_CHANNEL, eventId);
    }
    return { eventId, deliveries: endpointIds.length, duplicate: false };
  });
}
