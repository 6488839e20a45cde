// POST /api/v1/tokens {"name","role"} creates an API token, shown once (admin); GET lists tokens.
import { json, readJson, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { CreateTokenSchema, createApiToken, listApiTokens } from '@/lib/tokens/service';

export const POST = route('admin', async ({ request, principal }) => {
  const input = await readJson(request, CreateTokenSchema);
  return json(await createApiToken(input, principal!.actor), 201);
});

export const GET = route('admin', async () => json({ data: await listApiTokens(pool()) }));
