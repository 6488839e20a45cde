// PATCH /api/v1/users/{id} {"role"?, "disabled"?}: changes a user's role or disables it (admin).
import { json, readJson, route } from '@/lib/api/handler';
import { PatchUserSchema } from '@/lib/users/schema';
import { updateUser } from '@/lib/users/service';

export const PATCH = route<{ id: string }>('admin', async ({ request, params, principal }) => {
  const input = await readJson(request, PatchUserSchema);
  return json(await updateUser(params.id, input, principal!));
});
