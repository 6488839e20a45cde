import type { Db } from '../db/tx';

/** One audit_entries row as stored. */
export type AuditRow = {
  id: string;
  seq: number;
  actor: string;
  action: string;
  target_id: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: Date;
  prev_hash: string;
  hash: string;
};

/** Reads up to `limit` audit entries after sequence number `afterSeq`, in chain order. */
export async function readAuditPage(db: Db, afterSeq: number, limit: number): Promise<AuditRow[]> {
  const page = await db.query<AuditRow>(
    `SELECT id, seq, actor, action, target_id, reason, before, after, at, prev_hash, hash
       FROM audit_entries WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return page.rows;
}
