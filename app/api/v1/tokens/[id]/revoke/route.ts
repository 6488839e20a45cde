// POST /api/v1/tokens/{id}/revoke: the token stops working at once, in requests and sessions (admin).
import { json, route } from '@/lib/api/handler';
import { revokeApiToken } from '@/lib/tokens/service';

export const POST = route<{ id: string }>('admin', async ({ params, principal }) => json(await revokeApiToken(params.id, principal!.actor)));
