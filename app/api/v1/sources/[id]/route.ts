// GET /api/v1/sources/{id}: one source, without its secrets (viewer).
// PATCH /api/v1/sources/{id}: change its secrets, options or limits (admin, audited).
import { notFound } from '@/lib/api/errors';
import { json, publicOrigin, readJson, route } from '@/lib/api/handler';
import { UpdateSourceSchema } from '@/lib/sources/schema';
import { getSource, presentSource, updateSource } from '@/lib/sources/service';

export const GET = route<{ id: string }>('viewer', async ({ request, params }) => {
  const source = await getSource(params.id);
  if (!source) throw notFound('source', params.id);
  return json(presentSource(source, publicOrigin(request)));
});

export const PATCH = route<{ id: string }>('admin', async ({ request, params, principal }) => {
  const input = await readJson(request, UpdateSourceSchema);
  const source = await updateSource(params.id, input, principal!.actor);
  return json(presentSource(source, publicOrigin(request)));
});
