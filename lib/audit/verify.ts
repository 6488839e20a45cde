import type { Db } from '../db/tx';
import { readAuditPage } from './rows';
import { GENESIS_HASH, entryHash } from './chain';

export type ChainCheck = {
  ok: boolean;
  checked: number;
  firstBroken: { id: string; seq: number; problem: 'hash_mismatch' | 'chain_break' } | null;
};

/**
 * Recomputes every entry's hash in order and names the first entry that does not match. After
 * a retention purge the chain starts from the latest checkpoint's hash instead of the genesis.
 */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<ChainCheck> {
  const anchor = await db.query<{ through_seq: number; last_hash: string }>(
    'SELECT through_seq, last_hash FROM audit_checkpoints ORDER BY through_seq DESC LIMIT 1',
  );
  let prevHash = anchor.rows[0]?.last_hash ?? GENESIS_HASH;
  let afterSeq = Number(anchor.rows[0]?.through_seq ?? 0);
  let checked = 0;
  for (;;) {
    const rows = await readAuditPage(db, afterSeq, pageSize);
    for (const row of rows) {
      if (row.prev_hash !== prevHash) {
        return { ok: false, checked, firstBroken: { id: row.id, seq: Number(row.seq), problem: 'chain_break' } };
      }
      const expected = entryHash(prevHash, {
        id: row.id,
        actor: row.actor,
        action: row.action,
        targetId: row.target_id,
        reason: row.reason,
        before: row.before,
        after: row.after,
        at: row.at,
      });
      if (expected !== row.hash) {
        return { ok: false, checked, firstBroken: { id: row.id, seq: Number(row.seq), problem: 'hash_mismatch' } };
      }
      prevHash = row.hash;
      afterSeq = Number(row.seq);
      checked++;
    }
    if (rows.length < pageSize) return { ok: true, checked, firstBroken: null };
  }
}
