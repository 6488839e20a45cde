// GET /api/v1/dead-letters?endpointId=&limit=&cursor=: deliveries that were dead-lettered.
import { json, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { DeliveryListQuerySchema, listDeliveries } from '@/lib/delivery/queries';

const DeadLetterQuerySchema = DeliveryListQuerySchema.omit({ status: true });

export const GET = route('viewer', async ({ request }) => {
  const query = readQuery(request, DeadLetterQuerySchema);
  return json(await listDeliveries(pool(), { ...query, status: 'dead' }));
});
