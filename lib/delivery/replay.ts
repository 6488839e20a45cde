import { z } from 'zod';

import { appendAudit } from '../audit/append';
import { AppError } from '../api/errors';
import { prisma } from '../db/prisma';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import { DELIVERY_CHANNEL, notify } from '../registry/notify';

export const ReplayRequestSchema = z
  .object({
    ids: z.array(z.string().startsWith('dlv_', 'must be delivery ids (dlv_…)')).min(1).max(10_000).optional(),
    filter: z
      .object({
        endpointId: z.string().startsWith('ep_', 'must be an endpoint id (ep_…)').optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        until: z.iso.datetime({ offset: true }).optional(),
        reason: z.string().min(1).max(200).optional(),
      })
      .strict()
      .optional(),
    // Deliveries moved back into the queue per second; the breaker still gates every send.
    ratePerSecond: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .refine((value) => value.ids !== undefined || value.filter !== undefined, {
    message: 'send "ids" or "filter" (use "filter": {} to replay every dead letter)',
    path: ['ids'],
  });

export type ReplayRequest = z.infer<typeof ReplayRequestSchema>;

type StoredFilter = { ids?: string[]; endpointId?: string; since?: string; until?: string; reason?: string; ratePerSecond: number; before: string };

export const DEFAULT_REPLAY_RATE = 50;

function matchSql(filter: StoredFilter, params: unknown[]): string {
  const conditions = ["d.status = 'dead'", `d.dead_at <= $${params.push(new Date(filter.before))}`];
  if (filter.ids) conditions.push(`d.id = ANY($${params.push(filter.ids)})`);
  if (filter.endpointId) conditions.push(`d.endpoint_id = $${params.push(filter.endpointId)}`);
  if (filter.since) conditions.push(`d.dead_at >= $${params.push(new Date(filter.since))}`);
  if (filter.until) conditions.push(`d.dead_at < $${params.push(new Date(filter.until))}`);
  if (filter.reason) conditions.push(`d.dead_reason = $${params.push(filter.reason)}`);
  return conditions.join(' AND ');
}

/**
 * Starts a replay job over the dead letters that match now. The job moves them back into the
 * queue at a bounded rate (see `advanceReplays`). They keep their ids, so receivers get the
 * same webhook-id, and each send still goes through the endpoint's breaker.
 */
export async function startReplay(input: ReplayRequest, actor: string): Promise<{ replayId: string; count: number }> {
  const filter: StoredFilter = {
    ...(input.ids ? { ids: input.ids } : {}),
    ...(input.filter ?? {}),
    ratePerSecond: input.ratePerSecond ?? DEFAULT_REPLAY_RATE,
    before: new Date().toISOString(),
  };
  return withTransaction(async (db) => {
    const params: unknown[] = [];
    const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM deliveries d WHERE ${matchSql(filter, params)}`, params);
    const total = count.rows[0].n;
    if (total === 0 && input.ids) {
      throw new AppError('not_found', 'None of the given ids is a dead letter.', { field: 'ids' });
    }
    const replayId = newId('replay');
    await db.query(
      `INSERT INTO replays (id, status, actor, filter, total, sent) VALUES ($1, $2, $3, $4, $5, 0)`,
      [replayId, total === 0 ? 'done' : 'running', actor, JSON.stringify(filter), total],
    );
    await appendAudit(db, { actor, action: 'replay.start', targetId: replayId, after: { filter, total } });
    return { replayId, count: total };
  });
}

export async function cancelReplay(db: Db, replayId: string, actor: string): Promise<Record<string, unknown>> {
  await withTransaction(async (tx) => {
    const updated = await tx.query(
      `UPDATE replays SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status = 'running'`,
      [replayId],
    );
    if (updated.rowCount) await appendAudit(tx, { actor, action: 'replay.cancel', targetId: replayId });
  });
  const replay = await getReplay(replayId);
  if (!replay) throw new AppError('not_found', `No replay with id ${replayId}.`, { field: 'replayId' });
  return replay;
}

export async function getReplay(replayId: string): Promise<Record<string, unknown> | null> {
  const row = await prisma().replay.findUnique({ where: { id: replayId } });
  if (!row) return null;
  const progress = await prisma().delivery.groupBy({ by: ['status'], where: { replayId }, _count: { _all: true } });
  const byStatus: Record<string, number> = {};
  for (const p of progress) byStatus[p.status] = p._count._all;
  return {
    id: row.id,
    status: row.status,
    actor: row.actor,
    filter: row.filter,
    total: row.total,
    sent: row.sent,
    delivered: byStatus.delivered ?? 0,
    deliveries: byStatus,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
  };
}

/**
 * Moves the next slice of every running replay back into the queue: at most ratePerSecond
 * times the seconds since the replay last advanced. Runs in every dispatcher; SKIP LOCKED on
 * the replay row lets one instance at a time advance it.
 */
export async function advanceReplays(): Promise<number> {
  return withTransaction(async (db) => {
    const running = await db.query<{ id: string; filter: StoredFilter; total: number; sent: number; elapsed: number }>(
      `SELECT id, filter, total, sent, EXTRACT(EPOCH FROM (clock_timestamp() - created_at)) AS elapsed
         FROM replays WHERE status = 'running' ORDER BY created_at LIMIT 10 FOR UPDATE SKIP LOCKED`,
    );
    let moved = 0;
    for (const replay of running.rows) {
      const allowed = Math.min(replay.total, Math.floor(Number(replay.elapsed) * replay.filter.ratePerSecond) + 1) - replay.sent;
      if (allowed <= 0) continue;
      const params: unknown[] = [];
      const where = matchSql(replay.filter, params);
      const limit = `$${params.push(Math.min(allowed, 1000))}`;
      const id = `$${params.push(replay.id)}`;
      const result = await db.query(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), queued_at = now(),
                dead_at = NULL, replay_count = replay_count + 1, replay_id = ${id}, updated_at = now()
          WHERE id IN (SELECT d.id FROM deliveries d WHERE ${where} ORDER BY d.id LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
        params,
      );
      const count = result.rowCount ?? 0;
      moved += count;
      const sent = replay.sent + count;
      const done = sent >= replay.total || count === 0;
      await db.query(
        `UPDATE replays SET sent = $2, status = CASE WHEN $3 THEN 'done' ELSE status END,
                finished_at = CASE WHEN $3 THEN now() ELSE finished_at END WHERE id = $1`,
        [replay.id, sent, done],
      );
    }
    if (moved > 0) await notify(db, DELIVERY_CHANNEL, 'replay');
    return moved;
  });
}
