// POST /api/v1/ingest/{sourceName}: a producer's webhook, verified on its raw bytes and stored.
import { json, route } from '@/lib/api/handler';
import { ingest } from '@/lib/ingest/ingest';

export const dynamic = 'force-dynamic';

export const POST = route<{ source: string }>(null, async ({ request, params }) => {
  const reply = await ingest(params.source, request);
  return json(reply.body, reply.status, reply.headers);
});
