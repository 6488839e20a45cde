// GET /api/auth/session: who the console is signed in as.
import { json, route } from '@/lib/api/handler';

export const GET = route('viewer', async ({ principal }) => json({ actor: principal!.actor, role: principal!.role }));
