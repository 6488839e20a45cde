// POST /api/v1/subscriptions: an endpoint receives a source's events (admin).
import { json, readJson, route } from '@/lib/api/handler';
import { CreateSubscriptionSchema, createSubscription } from '@/lib/subscriptions/service';

export const POST = route('admin', async ({ request, principal }) => {
  const input = await readJson(request, CreateSubscriptionSchema);
  return json(await createSubscription(input, principal!.actor), 201);
});
