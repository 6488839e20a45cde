// POST /api/v1/replays/{id}/cancel: stops moving further dead letters back into the queue.
import { json, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { cancelReplay } from '@/lib/delivery/replay';

export const POST = route<{ id: string }>('operator', async ({ params, principal }) => {
  return json(await cancelReplay(pool(), params.id, principal!.actor));
});
