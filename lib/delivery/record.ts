import type { Db } from '../db/tx';
import type { DeliveryRoute } from './claim';

export type AttemptRow = {
  id: string;
  deliveryId: string;
  endpointId: string;
  number: number;
  status: number | null;
  outcome: string;
  probe: boolean;
  replay: boolean;
  route: 'primary' | 'fallback';
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  startedAt: number;
};

/** The delivery's state after an attempt. */
export type DeliveryUpdate = {
  id: string;
  status: 'delivered' | 'failed' | 'dead' | 'pending';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  deadReason: string | null;
  /** Route of this attempt, or fallback_final when the next try goes to the fallback URL. */
  route: DeliveryRoute;
  finishedAt: number | null;
};

/**
 * Stores a batch of attempts and the deliveries' new states in one statement, so both commit
 * together without an explicit transaction. A delivery is only updated while this instance
 * still holds its claim: if the lease ran out and another instance took the delivery over,
 * the attempt is still recorded but that instance decides the delivery's state. Returns the
 * number of deliveries updated.
 */
export async function recordAttempts(
  db: Db,
  instanceId: string,
  attempts: AttemptRow[],
  updates: DeliveryUpdate[],
): Promise<number> {
  if (attempts.length === 0 && updates.length === 0) return 0;
  // A named statement: PostgreSQL plans it once per connection, not per batch.
  const result = await db.query({
    name: 'switchyard_record_attempts',
    text: `WITH inserted AS (
       INSERT INTO attempts (id, delivery_id, endpoint_id, number, status, outcome, probe, replay, route,
                             duration_ms, error, response_excerpt, instance_id, started_at)
       SELECT a.id, a.delivery_id, a.endpoint_id, a.number, a.status, a.outcome, a.probe, a.replay, a.route,
              a.duration_ms, a.error, a.response_excerpt, $1, a.started_at
         FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::bool[], $9::bool[],
                     $10::text[], $11::int[], $12::text[], $13::text[], $14::timestamptz[])
              AS a(id, delivery_id, endpoint_id, number, status, outcome, probe, replay, route, duration_ms, error,
                   response_excerpt, started_at)
     )
     UPDATE deliveries d
        SET status = u.status, attempts = u.attempts, next_attempt_at = u.next_attempt_at,
            last_error = u.last_error, dead_reason = COALESCE(u.dead_reason, d.dead_reason), route = u.route,
            delivered_at = CASE WHEN u.status = 'delivered' THEN u.finished_at ELSE d.delivered_at END,
            dead_at = CASE WHEN u.status = 'dead' THEN u.finished_at ELSE NULL END,
            lease_until = NULL, leased_by = NULL, probe = false, updated_at = now()
       FROM unnest($15::text[], $16::text[], $17::int[], $18::timestamptz[], $19::text[], $20::text[], $21::text[], $22::timestamptz[])
            AS u(id, status, attempts, next_attempt_at, last_error, dead_reason, route, finished_at)
      WHERE d.id = u.id AND d.status = 'in_flight' AND d.leased_by = $1`,
    values: [
      instanceId,
      attempts.map((a) => a.id),
      attempts.map((a) => a.deliveryId),
      attempts.map((a) => a.endpointId),
      attempts.map((a) => a.number),
      attempts.map((a) => a.status),
      attempts.map((a) => a.outcome),
      attempts.map((a) => a.probe),
      attempts.map((a) => a.replay),
      attempts.map((a) => a.route),
      attempts.map((a) => a.durationMs),
      attempts.map((a) => a.error),
      attempts.map((a) => a.responseExcerpt),
      attempts.map((a) => new Date(a.startedAt)),
      updates.map((u) => u.id),
      updates.map((u) => u.status),
      updates.map((u) => u.attempts),
      updates.map((u) => new Date(u.nextAttemptAt)),
      updates.map((u) => u.lastError),
      updates.map((u) => u.deadReason),
      updates.map((u) => u.route),
      updates.map((u) => (u.finishedAt === null ? null : new Date(u.finishedAt))),
    ],
  });
  return result.rowCount ?? 0;
}
