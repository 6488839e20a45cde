// GET /api/v1/subscriptions: which endpoints receive which sources' events (viewer).
// POST /api/v1/subscriptions: an endpoint receives a source's events (admin).
import { json, readJson, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { CreateSubscriptionSchema, ListSubscriptionsSchema, createSubscription, listSubscriptions } from '@/lib/subscriptions/service';

export const GET = route('viewer', async ({ request }) => {
  return json(await listSubscriptions(pool(), readQuery(request, ListSubscriptionsSchema)));
});

export const POST = route('admin', async ({ request, principal }) => {
  const input = await readJson(request, CreateSubscriptionSchema);
  return json(await createSubscription(input, principal!.actor), 201);
});
