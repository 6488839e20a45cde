// GET /api/v1/endpoints/{id}/attempts: the endpoint's delivery attempts, newest first, in pages.
import { z } from 'zod';

import { notFound } from '@/lib/api/errors';
import { json, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { listEndpointAttempts } from '@/lib/delivery/queries';
import { hasPrefix } from '@/lib/ids';
import { endpointTier } from '@/lib/slo/history';

const QuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    // The nextCursor of the previous page: an attempt id.
    cursor: z
      .string()
      .refine((value) => hasPrefix(value, 'attempt'), 'must be an attempt id (att_…) from nextCursor')
      .optional(),
  })
  .strict();

export const GET = route<{ id: string }>('viewer', async ({ request, params }) => {
  const { limit, cursor } = readQuery(request, QuerySchema);
  if ((await endpointTier(pool(), params.id)) === null) throw notFound('endpoint', params.id);
  return json(await listEndpointAttempts(pool(), params.id, { limit, cursor }));
});
