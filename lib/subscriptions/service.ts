import { z } from 'zod';

import { appendAudit } from '../audit/append';
import { AppError } from '../api/errors';
import { withTransaction } from '../db/tx';
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
