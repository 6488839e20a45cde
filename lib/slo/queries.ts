import type { Db } from '../db/tx';
import { BAD_OUTCOMES, GOOD_OUTCOMES, type OutcomeCounts } from './budget';

const HOUR_MS = 3_600_000;

// Only attempts at the endpoint's own URL count: a fallback route measures another receiver.
// $1 and $2 are the good and bad outcomes, $3 and $4 the time range.
function countsSql(extraCondition: string): string {
  return `SELECT endpoint_id,
                 count(*) FILTER (WHERE outcome = ANY($1::text[]))::int AS good,
                 count(*) FILTER (WHERE outcome = ANY($2::text[]))::int AS bad
            FROM attempts
           WHERE route = 'primary' AND started_at >= $3 AND started_at < $4 ${extraCondition}
           GROUP BY endpoint_id`;
}

/** Good and bad attempt counts of one endpoint with `since <= started_at < until`. */
export async function outcomeCounts(db: Db, endpointId: string, since: number, until: number): Promise<OutcomeCounts> {
  const result = await db.query<{ good: number; bad: number }>(countsSql('AND endpoint_id = $5'), [
    GOOD_OUTCOMES,
    BAD_OUTCOMES,
    new Date(since),
    new Date(until),
    endpointId,
  ]);
  return result.rows[0] ? { good: result.rows[0].good, bad: result.rows[0].bad } : { good: 0, bad: 0 };
}

/** Good and bad attempt counts of every endpoint that had attempts in the range. */
export async function outcomeCountsByEndpoint(db: Db, since: number, until: number): Promise<Map<string, OutcomeCounts>> {
  const result = await db.query<{ endpoint_id: string; good: number; bad: number }>(countsSql(''), [
    GOOD_OUTCOMES,
    BAD_OUTCOMES,
    new Date(since),
    new Date(until),
  ]);
  return new Map(result.rows.map((row) => [row.endpoint_id, { good: row.good, bad: row.bad }]));
}

/** Good and bad attempt counts of the given endpoints in the range. */
export async function outcomeCountsForEndpoints(db: Db, endpointIds: string[], since: number, until: number): Promise<Map<string, OutcomeCounts>> {
  if (endpointIds.length === 0) return new Map();
  const result = await db.query<{ endpoint_id: string; good: number; bad: number }>(countsSql('AND endpoint_id = ANY($5)'), [
    GOOD_OUTCOMES,
    BAD_OUTCOMES,
    new Date(since),
    new Date(until),
    endpointIds,
  ]);
  return new Map(result.rows.map((row) => [row.endpoint_id, { good: row.good, bad: row.bad }]));
}

export type SloWindows = { window: OutcomeCounts; lastHour: OutcomeCounts; lastSixHours: OutcomeCounts };

/** Counts over the SLO window, the last hour and the last six hours, ending at `now`. */
export async function sloWindows(db: Db, endpointId: string, now: number, windowDays: number): Promise<SloWindows> {
  const [window, lastHour, lastSixHours] = await Promise.all([
    outcomeCounts(db, endpointId, now - windowDays * 24 * HOUR_MS, now + 1),
    outcomeCounts(db, endpointId, now - HOUR_MS, now + 1),
    outcomeCounts(db, endpointId, now - 6 * HOUR_MS, now + 1),
  ]);
  return { window, lastHour, lastSixHours };
}
