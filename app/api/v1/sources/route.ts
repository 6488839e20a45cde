// POST /api/v1/sources creates a source (admin); GET lists them. Secrets never come back out.
import { json, publicOrigin, readJson, route } from '@/lib/api/handler';
import { CreateSourceSchema } from '@/lib/sources/schema';
import { createSource, listSources, presentSource } from '@/lib/sources/service';

export const POST = route('admin', async ({ request, principal }) => {
  const input = await readJson(request, CreateSourceSchema);
  const source = await createSource(input, principal!.actor);
  return json(presentSource(source, publicOrigin(request)), 201);
});

export const GET = route('viewer', async ({ request }) => {
  const origin = publicOrigin(request);
  return json({ data: (await listSources()).map((s) => presentSource(s, origin)) });
});
