// POST /api/v1/ingest/{sourceName}: a producer's webhook, verified on its raw bytes and stored.
import { json, route } from '@/lib/api/handler';
import { ingest } from '@/lib/ingest/ingest';
import { recordIngressRejection } from '@/lib/telemetry/metrics';

export const dynamic = 'force-dynamic';

export const POST = route<{ source: string }>(null, async ({ request, params }) => {
  const reply = await ingest(params.source, request, recordIngressRejection);
  return json(reply.body, reply.status, reply.headers);
});
