// GET /api/v1/deliveries/{id}: one delivery with its payload and every attempt.
import { notFound } from '@/lib/api/errors';
import { json, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { getDelivery } from '@/lib/delivery/queries';

export const GET = route<{ id: string }>('viewer', async ({ params }) => {
  const delivery = await getDelivery(pool(), params.id);
  if (!delivery) throw notFound('delivery', params.id);
  return json(delivery);
});
