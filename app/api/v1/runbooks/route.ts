// GET /api/v1/runbooks: every runbook in docs/runbooks, as {slug, title, path}.
import { json, route } from '@/lib/api/handler';
import { listRunbooks } from '@/lib/runbooks/load';

export const GET = route('viewer', async () => json({ data: await listRunbooks() }));
