// POST /api/v1/dead-letters/replay: starts a rate-limited replay job of dead letters (operator).
import { json, readJson, route } from '@/lib/api/handler';
import { ReplayRequestSchema, startReplay } from '@/lib/delivery/replay';

export const POST = route('operator', async ({ request, principal }) => {
  const input = await readJson(request, ReplayRequestSchema);
  return json(await startReplay(input, principal!.actor), 202);
});
