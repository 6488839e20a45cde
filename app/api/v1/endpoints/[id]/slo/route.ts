// GET /api/v1/endpoints/{id}/slo: error budget left over the SLO window and burn rates over
// 1 h and 6 h, for the objective of the endpoint's tier.
import { notFound } from '@/lib/api/errors';
import { json, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { appClock } from '@/lib/runtime/clock';
import { endpointSlo, endpointTier } from '@/lib/slo/history';

export const GET = route<{ id: string }>('viewer', async ({ params }) => {
  const tier = await endpointTier(pool(), params.id);
  if (tier === null) throw notFound('endpoint', params.id);
  const now = appClock()();
  return json({ endpointId: params.id, at: new Date(now).toISOString(), ...(await endpointSlo(pool(), params.id, tier, now)) });
});
