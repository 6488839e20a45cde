import type { Db } from '../db/tx';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Takes one token from the shared bucket `key` (continuous refill at `ratePerSecond`, capped
 * at `burst`), using the database clock so every instance refills alike. The row lock makes
 * concurrent takes from several instances count exactly.
 */
export async function takeToken(db: Db, key: string, ratePerSecond: number, burst: number): Promise<RateDecision> {
  await db.query(
    `INSERT INTO rate_buckets (key, tokens, updated_at) VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (key) DO NOTHING`,
    [key, burst],
  );
  const result = await db.query<{ refilled: number }>(
    `UPDATE rate_buckets b
        SET tokens = CASE WHEN r.refilled >= 1 THEN r.refilled - 1 ELSE r.refilled END,
            updated_at = r.at
       FROM (SELECT LEAST($3::float8, tokens + EXTRACT(EPOCH FROM (clock_timestamp() - updated_at)) * $2::float8) AS refilled,
                    clock_timestamp() AS at
               FROM rate_buckets WHERE key = $1 FOR UPDATE) r
      WHERE b.key = $1
      RETURNING r.refilled`,
    [key, ratePerSecond, burst],
  );
  const refilled = Number(result.rows[0]?.refilled ?? 0);
  if (refilled >= 1) return { allowed: true };
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - refilled) / ratePerSecond));
  return { allowed: false, retryAfterSeconds };
}
