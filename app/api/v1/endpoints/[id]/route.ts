// GET /api/v1/endpoints/{id} with its configuration; PATCH changes it (admin, audited).
import { notFound } from '@/lib/api/errors';
import { json, readJson, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { PatchEndpointSchema } from '@/lib/endpoints/schema';
import { getEndpoint, patchEndpoint } from '@/lib/endpoints/service';
import { appClock } from '@/lib/runtime/clock';

export const GET = route<{ id: string }>('viewer', async ({ params }) => {
  const endpoint = await getEndpoint(pool(), params.id, appClock()());
  if (!endpoint) throw notFound('endpoint', params.id);
  return json(endpoint);
});

export const PATCH = route<{ id: string }>('admin', async ({ request, params, principal }) => {
  const input = await readJson(request, PatchEndpointSchema);
  return json(await patchEndpoint(pool(), params.id, input, { actor: principal!.actor, now: appClock()() }));
});
