// GET /api/v1/endpoints/{id}/transitions: the breaker's transitions, newest first, in pages.
import { z } from 'zod';

import { notFound } from '@/lib/api/errors';
import { json, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { listTransitions } from '@/lib/endpoints/service';
import { endpointTier } from '@/lib/slo/history';

const QuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    // The nextCursor of the previous page: a breaker version.
    cursor: z.coerce.number().int().min(0).optional(),
  })
  .strict();

export const GET = route<{ id: string }>('viewer', async ({ request, params }) => {
  const { limit, cursor } = readQuery(request, QuerySchema);
  if ((await endpointTier(pool(), params.id)) === null) throw notFound('endpoint', params.id);
  return json(await listTransitions(pool(), params.id, { limit, cursor }));
});
