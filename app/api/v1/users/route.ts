// POST /api/v1/users {"email","password","role"} creates a console user (admin); GET lists users.
import { json, readJson, route } from '@/lib/api/handler';
import { pool } from '@/lib/db/pool';
import { CreateUserSchema } from '@/lib/users/schema';
import { createUser, listUsers } from '@/lib/users/service';

export const POST = route('admin', async ({ request, principal }) => {
  const input = await readJson(request, CreateUserSchema);
  return json(await createUser(input, principal!.actor), 201);
});

export const GET = route('admin', async () => json({ data: await listUsers(pool()) }));
