// GET /api/v1/endpoints/{id}/probes?since=&until=&limit=: half-open episodes, newest first,
// with the probe attempts that started in each and how the episode ended.
import { z } from 'zod';

import { notFound } from '@/lib/api/errors';
import { json, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { appClock } from '@/lib/runtime/clock';
import { endpointProbeEpisodes, endpointTier } from '@/lib/slo/history';
import { RangeQuerySchema, resolveRange } from '@/lib/slo/range';

const QuerySchema = RangeQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();

const iso = (ms: number): string => new Date(ms).toISOString();

export const GET = route<{ id: string }>('viewer', async ({ request, params }) => {
  const query = readQuery(request, QuerySchema);
  const range = resolveRange(query, appClock()());
  if ((await endpointTier(pool(), params.id)) === null) throw notFound('endpoint', params.id);
  const episodes = await endpointProbeEpisodes(pool(), params.id, { ...range, limit: query.limit });
  return json({
    endpointId: params.id,
    data: episodes.map((e) => ({
      ...e,
      startedAt: iso(e.startedAt),
      endedAt: e.endedAt === null ? null : iso(e.endedAt),
      successRate: e.probes > 0 ? e.successes / e.probes : null,
      attempts: e.attempts.map((a) => ({ ...a, startedAt: iso(a.startedAt) })),
    })),
  });
});
