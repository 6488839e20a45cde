// GET /api/v1/endpoints/{id}/timeline?since=&until=: breaker state intervals, unavailable
// episodes, and override, config-change and alert markers from the audit table.
import { notFound } from '@/lib/api/errors';
import { json, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { appClock } from '@/lib/runtime/clock';
import { endpointTier, endpointTimeline } from '@/lib/slo/history';
import { RangeQuerySchema, resolveRange } from '@/lib/slo/range';

const iso = (ms: number): string => new Date(ms).toISOString();

export const GET = route<{ id: string }>('viewer', async ({ request, params }) => {
  const now = appClock()();
  const range = resolveRange(readQuery(request, RangeQuerySchema.strict()), now);
  if ((await endpointTier(pool(), params.id)) === null) throw notFound('endpoint', params.id);
  const timeline = await endpointTimeline(pool(), params.id, { ...range, now });
  return json({
    endpointId: params.id,
    since: iso(range.since),
    until: iso(range.until),
    intervals: timeline.intervals.map((i) => ({ ...i, from: iso(i.from), to: iso(i.to) })),
    openDurations: timeline.openDurations.map((e) => ({ ...e, from: iso(e.from), to: iso(e.to) })),
    markers: timeline.markers.map((m) => ({ ...m, at: iso(m.at) })),
  });
});
