// POST /api/v1/endpoints creates an endpoint (admin), returning its signing secret once;
// GET lists endpoints with their breaker figures, filtered and paged.
import { json, readJson, readQuery, route } from '@/lib/api/handler';
import { config } from '@/lib/config/env';
import { pool } from '@/lib/db/pool';
import { EndpointListQuerySchema } from '@/lib/endpoints/list-query';
import { CreateEndpointSchema } from '@/lib/endpoints/schema';
import { createEndpoint, listEndpoints } from '@/lib/endpoints/service';
import { appClock } from '@/lib/runtime/clock';

export const POST = route('admin', async ({ request, principal }) => {
  const input = await readJson(request, CreateEndpointSchema);
  const { endpoint, signingSecret } = await createEndpoint(input, {
    actor: principal!.actor,
    instanceId: config().instanceId,
    now: appClock()(),
  });
  return json({ ...endpoint, signingSecret }, 201);
});

export const GET = route('viewer', async ({ request }) => {
  const query = readQuery(request, EndpointListQuerySchema);
  return json(await listEndpoints(pool(), query, appClock()()));
});
