import { z } from 'zod';

import type { Db } from '../db/tx';

export const AuditQuerySchema = z
  .object({
    action: z.string().max(100).optional(),
    targetId: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.coerce.number().int().min(1).optional(),
  })
  .strict();

export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** Lists audit entries newest first; the cursor is the sequence number of the last one seen. */
export async function listAudit(db: Db, query: AuditQuery): Promise<{ data: Record<string, unknown>[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.action) conditions.push(`action = $${params.push(query.action)}`);
  if (query.targetId) conditions.push(`target_id = $${params.push(query.targetId)}`);
  if (query.cursor) conditions.push(`seq < $${params.push(query.cursor)}`);
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const limit = `$${params.push(query.limit + 1)}`;
  const result = await db.query<{ id: string; seq: number; actor: string; action: string; target_id: string | null; reason: string | null; before: unknown; after: unknown; at: Date; hash: string }>(
    `SELECT id, seq, actor, action, target_id, reason, before, after, at, hash FROM audit_entries${where} ORDER BY seq DESC LIMIT ${limit}`,
    params,
  );
  const page = result.rows.slice(0, query.limit);
  return {
    data: page.map((row) => ({
      id: row.id,
      seq: Number(row.seq),
      actor: row.actor,
      action: row.action,
      targetId: row.target_id,
      reason: row.reason,
      before: row.before,
      after: row.after,
      at: row.at.toISOString(),
      hash: row.hash,
    })),
    nextCursor: result.rows.length > query.limit ? String(page[page.length - 1].seq) : null,
  };
}
