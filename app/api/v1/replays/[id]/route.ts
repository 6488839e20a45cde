// GET /api/v1/replays/{id}: a replay job's progress.
import { notFound } from '@/lib/api/errors';
import { json, route } from '@/lib/api/handler';
import { getReplay } from '@/lib/delivery/replay';

export const GET = route<{ id: string }>('viewer', async ({ params }) => {
  const replay = await getReplay(params.id);
  if (!replay) throw notFound('replay', params.id);
  return json(replay);
});
