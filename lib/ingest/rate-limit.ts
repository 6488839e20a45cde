import type { Db } from '../db/tx';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

// Tokens in the bucket after refilling for the time since the last take, capped at the burst.
// Elapsed time never counts below zero: a statement that waited for the row lock can start
// before the take it waited for.
const REFILLED = `LEAST($3::float8, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM (statement_timestamp() - b.updated_at))) * $2::float8)`;

/**
 * Takes one token from the shared bucket `key` (continuous refill at `ratePerSecond`, capped
 * at `burst`) in a single upsert, using the database clock so every instance refills alike.
 * The row lock makes concurrent takes from several instances count exactly.
 */
export async function takeToken(db: Db, key: string, ratePerSecond: number, burst: number): Promise<RateDecision> {
  const result = await db.query<{ allowed: boolean; tokens: number }>(
    `INSERT INTO rate_buckets AS b (key, tokens, updated_at, allowed)
     VALUES ($1, $3::float8 - 1, statement_timestamp(), true)
     ON CONFLICT (key) DO UPDATE
        SET allowed = ${REFILLED} >= 1,
            tokens = CASE WHEN ${REFILLED} >= 1 THEN ${REFILLED} - 1 ELSE ${REFILLED} END,
            updated_at = GREATEST(b.updated_at, statement_timestamp())
     RETURNING allowed, tokens`,
    [key, ratePerSecond, burst],
  );
  const row = result.rows[0];
  if (row.allowed) return { allowed: true };
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - Number(row.tokens)) / ratePerSecond));
  return { allowed: false, retryAfterSeconds };
}
