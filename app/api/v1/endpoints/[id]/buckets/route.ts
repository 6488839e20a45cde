// GET /api/v1/endpoints/{id}/buckets: error rate and latency percentile per window bucket.
import { z } from 'zod';

import { notFound } from '@/lib/api/errors';
import { json, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { bucketSeries } from '@/lib/endpoints/service';
import { appClock } from '@/lib/runtime/clock';

const QuerySchema = z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(15) }).strict();

export const GET = route<{ id: string }>('viewer', async ({ request, params }) => {
  const { minutes } = readQuery(request, QuerySchema);
  const series = await bucketSeries(pool(), params.id, minutes, appClock()());
  if (!series) throw notFound('endpoint', params.id);
  return json(series);
});
