// POST /api/auth/login {"token"}: exchanges an admin or API token for a console session cookie.
import { z } from 'zod';

import { AppError } from '@/lib/api/errors';
import { json, readJson, route } from '@/lib/api/handler';
import { SESSION_COOKIE, SESSION_TTL_SECONDS, encodeSession } from '@/lib/auth/session';
import { principalForToken } from '@/lib/auth/tokens';
import { appendAudit } from '@/lib/audit/append';
import { pool } from '@/lib/db/pool';

const LoginSchema = z.object({ token: z.string().min(1, 'token is required') }).strict();

export const POST = route(null, async ({ request }) => {
  const { token } = await readJson(request, LoginSchema);
  const principal = await principalForToken(pool(), token);
  if (!principal) throw new AppError('unauthorized', 'The token is invalid or revoked.', { field: 'token' });
  await appendAudit(pool(), { actor: principal.actor, action: 'auth.sign_in', after: { role: principal.role } });
  const secure = new URL(request.url).protocol === 'https:' ? '; Secure' : '';
  const cookie = `${SESSION_COOKIE}=${encodeSession({ actor: principal.actor, role: principal.role })}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_SECONDS}${secure}`;
  return json({ actor: principal.actor, role: principal.role }, 200, { 'set-cookie': cookie });
});
