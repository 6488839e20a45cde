import type pg from 'pg';

import { appendAudit } from './append';
import { verifyAuditChain } from './verify';

export const RETENTION_DAYS = 365;
const DAY_MS = 86_400_000;

export class RetentionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetentionError';
  }
}

export type PurgeResult = { purged: number; throughSeq: number | null; cutoff: string };

/** The latest cutoff a purge may use at `now`: entries must be at least 365 days old. */
export function earliestAllowedCutoff(now: Date): Date {
  return new Date(now.getTime() - RETENTION_DAYS * DAY_MS);
}

/**
 * Deletes the audit entries recorded before `before`, oldest first, and keeps the chain
 * verifiable. The purge runs in one transaction on `client`:
 *
 * 1. It rejects a cutoff younger than 365 days, and a chain that does not verify (deleting
 *    it would destroy the evidence).
 * 2. It appends an `audit.purge` entry, so the table is never empty after a purge and the
 *    chain head stays in place.
 * 3. It stores a checkpoint with the hash of the last purged entry, from which the verifier
 *    continues, then deletes. The database trigger independently rejects the delete of any
 *    entry younger than 365 days by the database clock.
 *
 * Only a prefix of the chain is purged: an old entry that follows a younger one (clock skew
 * between instances) stays, with everything after it. Export the entries first
 * (`npm run audit:export`); a purge cannot be undone.
 */
export async function purgeAuditEntries(
  client: pg.PoolClient,
  options: { before: Date; actor: string; now?: Date },
): Promise<PurgeResult> {
  const now = options.now ?? new Date();
  const latest = earliestAllowedCutoff(now);
  if (!(options.before.getTime() <= latest.getTime())) {
    throw new RetentionError(
      `Audit entries are kept for at least ${RETENTION_DAYS} days: the cutoff ${options.before.toISOString()} must be on or before ${latest.toISOString()}.`,
    );
  }
  const cutoff = options.before.toISOString();

  await client.query('BEGIN');
  try {
    const chain = await verifyAuditChain(client);
    if (!chain.ok) {
      throw new RetentionError(`The audit chain is broken at entry ${chain.firstBroken?.id}; purge rejected. Run npm run audit:verify for details.`);
    }
    const range = await client.query<{ through_seq: number | null }>(
      `SELECT max(seq) AS through_seq FROM audit_entries
        WHERE at < $1
          AND seq < COALESCE((SELECT min(seq) FROM audit_entries WHERE at >= $1), 9223372036854775807)`,
      [cutoff],
    );
    const throughSeq = range.rows[0]?.through_seq === null ? null : Number(range.rows[0].through_seq);
    if (throughSeq === null) {
      await client.query('ROLLBACK');
      return { purged: 0, throughSeq: null, cutoff };
    }

    const last = await client.query<{ hash: string }>('SELECT hash FROM audit_entries WHERE seq = $1', [throughSeq]);
    const count = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entries WHERE seq <= $1', [throughSeq]);
    const purged = count.rows[0].n;
    await appendAudit(client, { actor: options.actor, action: 'audit.purge', after: { throughSeq, purged, cutoff } });
    await client.query(
      `INSERT INTO audit_checkpoints (through_seq, last_hash, purged_count, cutoff, actor) VALUES ($1, $2, $3, $4, $5)`,
      [throughSeq, last.rows[0].hash, purged, cutoff, options.actor],
    );
    await client.query("SET LOCAL switchyard.audit_purge = 'on'");
    const deleted = await client.query('DELETE FROM audit_entries WHERE seq <= $1', [throughSeq]);
    await client.query('COMMIT');
    return { purged: deleted.rowCount ?? 0, throughSeq, cutoff };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
