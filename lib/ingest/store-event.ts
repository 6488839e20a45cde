import { isEmbedded, pool } from '../db/pool';
import { newId } from '../ids';
import { DELIVERY_CHANNEL, localBus } from '../registry/notify';

export type StoredEvent = { eventId: string; deliveries: number; duplicate: boolean };

export type EventInput = {
  sourceId: string;
  externalId: string | null;
  eventType: string | null;
  body: Uint8Array;
  headers: Record<string, string>;
};

// Postgres error code for a NOT NULL violation: the list of delivery ids was too short.
const NOT_NULL_VIOLATION = '23502';

/**
 * Stores the event and its deliveries in one statement (one round trip, atomic on its own).
 * Delivery ids come from `deliveryIds`, sized from a subscription count. When a newer
 * subscription makes the list too short, the statement fails as a whole, so the caller tries
 * again with a fresh count. A pattern ending in ".*" matches a prefix, as "invoice.*" does.
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

async function countSubscriptions(sourceId: string): Promise<number> {
  const result = await pool().query<{ n: number }>('SELECT count(*)::int AS n FROM subscriptions WHERE source_id = $1', [sourceId]);
  return result.rows[0].n;
}

// Tries of the one statement before giving up. Each retry counts the subscriptions afresh, so
// only subscriptions added faster than one round trip could exhaust them.
const STORE_TRIES = 3;

/**
 * Stores an event with its exact bytes and one delivery per matching subscription, all or
 * nothing. A repeated external id for the same source creates nothing and returns the first
 * event; the unique index on (source_id, external_id) decides races between instances.
 * `subscriptionCount` is the caller's cached count, which may be behind.
 */
export async function storeEvent(input: EventInput, subscriptionCount?: number): Promise<StoredEvent> {
  let count = subscriptionCount ?? (await countSubscriptions(input.sourceId));
  for (let attempt = 0; attempt < STORE_TRIES; attempt++) {
    const ids = Array.from({ length: count + 2 }, () => newId('delivery'));
    try {
      const stored = await storeEventInOneStatement(input, ids);
      return stored ?? (await findExisting(input));
    } catch (error) {
      if ((error as { code?: string }).code !== NOT_NULL_VIOLATION) throw error;
    }
    count = await countSubscriptions(input.sourceId);
  }
  throw new Error(`The subscriptions of source ${input.sourceId} kept changing while the event was stored; nothing was stored, retry.`);
}
