// GET /api/v1/deliveries?endpointId=&status=&limit=&cursor=
import { json, readQuery, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { DeliveryListQuerySchema, listDeliveries } from '@/lib/delivery/queries';

export const GET = route('viewer', async ({ request }) => {
  return json(await listDeliveries(pool(), readQuery(request, DeliveryListQuerySchema)));
});
