// DELETE /api/v1/subscriptions/{id}: stop fanning a source's events out to an endpoint (admin).
import { json, route } from '@/lib/api/handler';
import { deleteSubscription } from '@/lib/subscriptions/service';

export const DELETE = route<{ id: string }>('admin', async ({ params, principal }) => {
  return json(await deleteSubscription(params.id, principal!.actor));
});
