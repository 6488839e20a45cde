// GET /api/v1/runbooks/{slug}: one runbook's Markdown, as {slug, title, markdown, path}.
import { notFound } from '@/lib/api/errors';
import { json, route } from '@/lib/api/handler';
import { getRunbook } from '@/lib/runbooks/load';

export const GET = route<{ slug: string }>('viewer', async ({ params }) => {
  const runbook = await getRunbook(params.slug);
  if (!runbook) throw notFound('runbook', params.slug);
  return json(runbook);
});
