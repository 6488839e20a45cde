// GET /api/v1/alerts?status=open|resolved|all&endpointId=&limit=&cursor=: alerts newest first.
import { z } from 'zod';

import { json, readQuery, route } from '@/lib/api/handler';
import { listAlerts } from '@/lib/alerts/store';
import { pool } from '@/lib/db/pool';

const QuerySchema = z
  .object({
    status: z.enum(['open', 'resolved', 'all']).default('open'),
    endpointId: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().min(1).optional(),
  })
  .strict();

export const GET = route('viewer', async ({ request }) => {
  return json(await listAlerts(pool(), readQuery(request, QuerySchema)));
});
