// POST /api/auth/login {"token"} or {"email","password"}: starts a console session cookie.
import { assertSameOrigin, json, publicOrigin, readJson, route } from '@/lib/api/handler';
import { LoginSchema, signIn } from '@/lib/auth/login';
import { sessionCookie } from '@/lib/auth/session';
import { pool } from '@/lib/db/pool';

export const POST = route(null, async ({ request }) => {
  // Browsers send Origin on every POST: a sign-in form posted from another site would
  // otherwise sign the victim in to the attacker's account. Scripts without Origin may sign in.
  if (request.headers.has('origin')) assertSameOrigin(request);
  const input = await readJson(request, LoginSchema);
  const claims = await signIn(pool(), input, request.headers);
  const secure = publicOrigin(request).startsWith('https:');
  return json({ actor: claims.actor, role: claims.role }, 200, { 'set-cookie': sessionCookie(claims, secure) });
});
