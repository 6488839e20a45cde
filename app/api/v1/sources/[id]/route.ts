// GET /api/v1/sources/{id}
import { notFound } from '@/lib/api/errors';
import { json, publicOrigin, route } from '@/lib/api/handler';
import { getSource, presentSource } from '@/lib/sources/service';

export const GET = route<{ id: string }>('viewer', async ({ request, params }) => {
  const source = await getSource(params.id);
  if (!source) throw notFound('source', params.id);
  return json(presentSource(source, publicOrigin(request)));
});
