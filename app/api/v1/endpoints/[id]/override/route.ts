// POST /api/v1/endpoints/{id}/override: an operator forces, disables or releases the breaker,
// with a required reason; stored as a transition and an audit entry.
import { AppError, notFound } from '@/lib/api/errors';
import { json, readJson, route } from '@/lib/api/handler';
import { config } from '@/lib/config/env';
import { pool } from '@/lib/db/pool';
import { OverrideSchema } from '@/lib/endpoints/list-query';
import { getEndpoint } from '@/lib/endpoints/service';
import { overrideBreaker } from '@/lib/registry/override';
import { appClock } from '@/lib/runtime/clock';

export const POST = route<{ id: string }>('operator', async ({ request, params, principal }) => {
  const input = await readJson(request, OverrideSchema);
  const now = appClock()();
  const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
  if (expiresAt !== null && expiresAt <= Date.now()) {
    throw new AppError('invalid_request', 'expiresAt must be in the future.', { field: 'expiresAt' });
  }
  if (expiresAt !== null && input.action === 'release') {
    throw new AppError('invalid_request', 'expiresAt does not apply to release.', { field: 'expiresAt' });
  }
  const result = await overrideBreaker(params.id, input.action, {
    actor: { kind: 'user', name: principal!.actor },
    reason: input.reason,
    expiresAt,
    instanceId: config().instanceId,
    now,
  });
  if (result.kind === 'not_found') throw notFound('endpoint', params.id);
  if (result.kind === 'nothing_to_release') {
    throw new AppError('conflict', `The breaker is ${result.snapshot.state}, not in an operator state: there is no override to release.`, {
      field: 'action',
    });
  }
  const endpoint = await getEndpoint(pool(), params.id, now);
  return json({ id: params.id, state: endpoint!.breaker.state, breaker: endpoint!.breaker, waiting: endpoint!.waiting });
});
