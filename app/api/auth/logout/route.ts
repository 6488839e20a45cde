// POST /api/auth/logout: clears the console session cookie.
import { json, route } from '@/lib/api/handler';
import { SESSION_COOKIE } from '@/lib/auth/session';

export const POST = route(null, async () =>
  json({ ok: true }, 200, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` }),
);
