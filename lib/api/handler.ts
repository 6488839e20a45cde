import type { z } from 'zod';

import { hasRole, type Principal, type Role } from '../auth/roles';
import { SESSION_COOKIE, decodeSession } from '../auth/session';
import { principalForSession } from '../auth/session-principal';
import { principalForToken } from '../auth/tokens';
import { pool } from '../db/pool';
import { errorFields, logger } from '../telemetry/logger';
import { AppError, coerceAppError, errorBody, fromZodError } from './errors';

type RouteContext<P> = { params: Promise<P> };

export type HandlerInput<P> = { request: Request; params: P; principal: Principal | null };

function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      // A malformed percent-escape is an invalid cookie, treated as no session.
      return null;
    }
  }
  return null;
}

/** Identifies the caller from a bearer token or the console's session cookie. */
export async function authenticate(request: Request): Promise<Principal | null> {
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new AppError('unauthorized', 'Authorization must be "Bearer <token>".', { field: 'authorization' });
    const principal = await principalForToken(pool(), match[1]);
    if (!principal) throw new AppError('unauthorized', 'The bearer token is invalid or revoked.', { field: 'authorization' });
    return principal;
  }
  const cookie = readCookie(request, SESSION_COOKIE);
  if (!cookie) return null;
  const claims = decodeSession(cookie);
  return claims ? principalForSession(pool(), claims) : null;
}

/** Returns the host of an Origin header, or null for `null` and other values that are not URLs. */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * Rejects a cookie-authenticated change whose Origin is not this server: a browser always
 * sends Origin on cross-site POSTs, so this stops cross-site request forgery.
 */
function checkOrigin(request: Request, principal: Principal): void {
  if (principal.via !== 'session' || request.method === 'GET' || request.method === 'HEAD') return;
  assertSameOrigin(request);
}

/** Throws 403 unless the request's Origin header names this server's host. */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!origin || !host || originHost(origin) !== host) {
    throw new AppError('forbidden', 'Cross-origin request rejected: the Origin header does not match this server.', { field: 'origin' });
  }
}

/** Returns the origin clients used to reach this server, from Host (or X-Forwarded-* behind a proxy). */
export function publicOrigin(request: Request): string {
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  const proto = request.headers.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '');
  return host ? `${proto}://${host}` : new URL(request.url).origin;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store', ...headers } });
}

export function errorResponse(error: unknown): Response {
  const appError = coerceAppError(error);
  if (appError.status >= 500 && appError.code !== 'database_unavailable') {
    logger().error(errorFields(error), 'request failed');
  }
  return json(errorBody(appError), appError.status, appError.headers);
}

/**
 * Wraps a route handler: authenticates and checks the role (null role means no auth), checks
 * the origin of cookie-authenticated changes, and turns any thrown value into the JSON error.
 */
export function route<P = Record<string, never>>(
  role: Role | null,
  handler: (input: HandlerInput<P>) => Promise<Response>,
): (request: Request, context: RouteContext<P>) => Promise<Response> {
  return async (request, context) => {
    try {
      let principal: Principal | null = null;
      if (role) {
        principal = await authenticate(request);
        if (!principal) {
          throw new AppError('unauthorized', 'Sign in, or send "Authorization: Bearer <token>".', { field: 'authorization' });
        }
        if (!hasRole(principal.role, role)) {
          throw new AppError('forbidden', `This action needs the ${role} role; you are signed in as ${principal.role}.`);
        }
        checkOrigin(request, principal);
      }
      const params = (context?.params ? await context.params : {}) as P;
      return await handler({ request, params, principal });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Parses a JSON body against a schema; bad JSON and invalid fields become 400s naming the field. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await request.text();
  let value: unknown;
  try {
    value = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'The request body is not valid JSON.', { field: 'body' });
  }
  if (value === undefined) throw new AppError('invalid_request', 'A JSON body is required.', { field: 'body' });
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}

export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams.entries());
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw fromZodError(parsed.error);
  return parsed.data;
}
