import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import { DELIVERY_CHANNEL, notify } from '../registry/notify';
import { matchesEventType } from '../subscriptions/service';

export type StoredEvent = { eventId: string; deliveries: number; duplicate: boolean };

/**
 * Stores an event with its exact bytes and one delivery per matching subscription, in one
 * transaction. A repeated external id for the same source creates nothing and returns the
 * first event; the unique index on (source_id, external_id) decides races between instances.
 */
export async function storeEvent(input: {
  sourceId: string;
  externalId: string | null;
  eventType: string | null;
  body: Uint8Array;
  headers: Record<string, string>;
}): Promise<StoredEvent> {
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
