import { z } from 'zod';

import { appendAudit } from '../audit/append';
import { AppError, notFound } from '../api/errors';
import { type Db, withTransaction } from '../db/tx';
import { newId } from '../ids';

export const CreateSubscriptionSchema = z
  .object({
    sourceId: z.string().startsWith('src_', 'must be a source id (src_…)'),
    endpointId: z.string().startsWith('ep_', 'must be an endpoint id (ep_…)'),
    // Empty or absent: every event. An entry ending in ".*" matches a prefix, e.g. "invoice.*".
    eventTypes: z.array(z.string().min(1).max(200)).max(100).optional(),
  })
  .strict();

export type CreateSubscriptionInput = z.infer<typeof CreateSubscriptionSchema>;

export async function createSubscription(input: CreateSubscriptionInput, actor: string): Promise<Record<string, unknown>> {
  return withTransaction(async (db) => {
    const source = await db.query('SELECT 1 FROM sources WHERE id = $1', [input.sourceId]);
    if (!source.rowCount) throw new AppError('not_found', `No source with id ${input.sourceId}.`, { field: 'sourceId' });
    const endpoint = await db.query('SELECT 1 FROM endpoints WHERE id = $1', [input.endpointId]);
    if (!endpoint.rowCount) throw new AppError('not_found', `No endpoint with id ${input.endpointId}.`, { field: 'endpointId' });
    const id = newId('subscription');
    const eventTypes = input.eventTypes ?? [];
    const inserted = await db.query<{ id: string; created_at: Date }>(
      `INSERT INTO subscriptions (id, source_id, endpoint_id, event_types) VALUES ($1, $2, $3, $4)
       ON CONFLICT (source_id, endpoint_id) DO NOTHING RETURNING id, created_at`,
      [id, input.sourceId, input.endpointId, eventTypes],
    );
    if (!inserted.rows[0]) {
      throw new AppError('conflict', 'This endpoint is already subscribed to this source.', { field: 'endpointId' });
    }
    await appendAudit(db, { actor, action: 'subscription.create', targetId: id, after: { ...input, eventTypes } });
    return { id, sourceId: input.sourceId, endpointId: input.endpointId, eventTypes, createdAt: inserted.rows[0].created_at.toISOString() };
  });
}

type SubscriptionRow = { id: string; source_id: string; endpoint_id: string; event_types: string[]; created_at: Date };

function present(row: SubscriptionRow): Record<string, unknown> {
  return { id: row.id, sourceId: row.source_id, endpointId: row.endpoint_id, eventTypes: row.event_types, createdAt: row.created_at.toISOString() };
}

export const ListSubscriptionsSchema = z
  .object({
    sourceId: z.string().startsWith('src_', 'must be a source id (src_…)').optional(),
    endpointId: z.string().startsWith('ep_', 'must be an endpoint id (ep_…)').optional(),
  })
  .strict();

/** Lists subscriptions, oldest first, optionally of one source or one endpoint. */
export async function listSubscriptions(db: Db, filter: z.infer<typeof ListSubscriptionsSchema>): Promise<{ data: Record<string, unknown>[] }> {
  const result = await db.query<SubscriptionRow>(
    `SELECT id, source_id, endpoint_id, event_types, created_at FROM subscriptions
      WHERE ($1::text IS NULL OR source_id = $1) AND ($2::text IS NULL OR endpoint_id = $2)
      ORDER BY created_at, id`,
    [filter.sourceId ?? null, filter.endpointId ?? null],
  );
  return { data: result.rows.map(present) };
}

/**
 * Deletes a subscription, audited with what it was. Events stored from now on no longer fan
 * out to its endpoint. Deliveries already created stay as they are.
 */
export async function deleteSubscription(id: string, actor: string): Promise<Record<string, unknown>> {
  return withTransaction(async (db) => {
    const deleted = await db.query<SubscriptionRow>(
      'DELETE FROM subscriptions WHERE id = $1 RETURNING id, source_id, endpoint_id, event_types, created_at',
      [id],
    );
    const row = deleted.rows[0];
    if (!row) throw notFound('subscription', id);
    const before = present(row);
    await appendAudit(db, { actor, action: 'subscription.delete', targetId: id, before });
    return { ...before, deleted: true };
  });
}
