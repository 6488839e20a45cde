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
 * together without an explicit transaction. Writing the same batch again changes nothing, which
 * matters when a commit succeeded but its reply was lost and the caller retries. A delivery is
 * only updated while this instance still holds its claim: if the lease ran out and another
 * instance took the delivery over, the attempt is still recorded but that instance decides the
 * delivery's state. Returns the number of deliveries updated.
 */
export async function recordAttempts(
  db: Db,
  instanceId: string,
  attempts: AttemptRow[],
  updates: DeliveryUpdate[],
): Promise<number> {
  if (attempts.length === 0 && updates.length === 0) return 0;
  // Rows travel as two JSON arrays: node-postgres serializes 22 parallel arrays element by
  // element in JavaScript, while JSON.stringify is native. Times are epoch milliseconds.
  const attemptRows = attempts.map((a) => ({
    id: a.id,
    delivery_id: a.deliveryId,
    endpoint_id: a.endpointId,
    number: a.number,
    status: a.status,
    outcome: a.outcome,
    probe: a.probe,
    replay: a.replay,
    route: a.route,
    duration_ms: a.durationMs,
    error: a.error,
    response_excerpt: a.responseExcerpt,
    started_at: a.startedAt,
  }));
  const updateRows = updates.map((u) => ({
    id: u.id,
    status: u.status,
    attempts: u.attempts,
    next_attempt_at: u.nextAttemptAt,
    last_error: u.lastError,
    dead_reason: u.deadReason,
    route: u.route,
    finished_at: u.finishedAt,
  }));
  // A named statement: PostgreSQL plans it once per connection, not per batch.
  const result = await db.query({
    name: 'switchyard_record_attempts',
    text: `WITH inserted AS (
       INSERT INTO attempts (id, delivery_id, endpoint_id, number, status, outcome, probe, replay, route,
                             duration_ms, error, response_excerpt, instance_id, started_at)
       SELECT a.id, a.delivery_id, a.endpoint_id, a.number, a.status, a.outcome, a.probe, a.replay, a.route,
              a.duration_ms, a.error, a.response_excerpt, $1, to_timestamp(a.started_at / 1000.0)
         FROM json_to_recordset($2::json)
              AS a(id text, delivery_id text, endpoint_id text, number int, status int, outcome text, probe bool,
                   replay bool, route text, duration_ms int, error text, response_excerpt text, started_at float8)
       ON CONFLICT (id) DO NOTHING
     )
     UPDATE deliveries d
        SET status = u.status, attempts = u.attempts, next_attempt_at = to_timestamp(u.next_attempt_at / 1000.0),
            last_error = u.last_error, dead_reason = COALESCE(u.dead_reason, d.dead_reason), route = u.route,
            delivered_at = CASE WHEN u.status = 'delivered' THEN to_timestamp(u.finished_at / 1000.0) ELSE d.delivered_at END,
            dead_at = CASE WHEN u.status = 'dead' THEN to_timestamp(u.finished_at / 1000.0) ELSE NULL END,
            lease_until = NULL, leased_by = NULL, probe = false, updated_at = now()
       FROM json_to_recordset($3::json)
            AS u(id text, status text, attempts int, next_attempt_at float8, last_error text, dead_reason text,
                 route text, finished_at float8)
      WHERE d.id = u.id AND d.status = 'in_flight' AND d.leased_by = $1`,
    values: [instanceId, JSON.stringify(attemptRows), JSON.stringify(updateRows)],
  });
  return result.rowCount ?? 0;
}

/** True for PostgreSQL data exceptions (class 22) and constraint violations (class 23). */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

export type AttemptResult = { attempt: AttemptRow; update: DeliveryUpdate };

/**
 * Records a batch of results, so that one bad row cannot keep the rest from being stored.
 * When the batch fails on a data error, the rows are written in halves until the bad one is
 * alone. That row is tried once more without its free text (error and response excerpt).
 * If it still fails, it is returned in `rejected` for the caller to log. Its claim then
 * lapses, and the delivery is sent again. Connection and server errors are thrown.
 */
export async function recordResults(db: Db, instanceId: string, results: AttemptResult[]): Promise<{ rejected: Array<{ result: AttemptResult; error: unknown }> }> {
  const rejected: Array<{ result: AttemptResult; error: unknown }> = [];
  const write = async (part: AttemptResult[]): Promise<void> => {
    if (part.length === 0) return;
    try {
      await recordAttempts(
        db,
        instanceId,
        part.map((r) => r.attempt),
        part.map((r) => r.update),
      );
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (part.length > 1) {
        const middle = Math.ceil(part.length / 2);
        await write(part.slice(0, middle));
        await write(part.slice(middle));
        return;
      }
      const [only] = part;
      const plain: AttemptResult = {
        attempt: { ...only.attempt, error: null, responseExcerpt: null },
        update: { ...only.update, lastError: null },
      };
      try {
        await recordAttempts(db, instanceId, [plain.attempt], [plain.update]);
      } catch (retryError) {
        if (!isDataError(retryError)) throw retryError;
        rejected.push({ result: only, error: retryError });
      }
    }
  };
  await write(results);
  return { rejected };
}
