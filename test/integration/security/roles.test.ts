// Every management route checked per role through the real app: 401 without a valid token,
// 403 for a role below the route's, success for the lowest role that may call it, and the
// console session rules (Origin check, disabled user, revoked token, role change).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signGithub } from '../../../lib/ingest/sign';
import { type AppInstance, TEST_ADMIN_TOKEN, startApp } from '../../support/app';
import { type TestDatabase, createTestDatabase } from '../../support/database';
import { type Receiver, startReceiver } from '../../support/receiver';

type Role = 'viewer' | 'operator' | 'admin';
type Ids = { sourceId: string; endpointId: string; deliveryId: string; replayId: string; userId: string; tokenId: string };

type RouteCase = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  // Route pattern as in app/api, e.g. /api/v1/endpoints/[id]
  pattern: string;
  role: Role;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  // Status of a call by the lowest allowed role; unset means any status but 401, 403 or 5xx.
  ok?: number;
};

const unique = (): string => Math.random().toString(36).slice(2, 10);

const ROUTES: RouteCase[] = [
  { method: 'GET', pattern: '/api/auth/session', role: 'viewer', path: () => '/api/auth/session', ok: 200 },
  { method: 'GET', pattern: '/api/v1/audit', role: 'viewer', path: () => '/api/v1/audit', ok: 200 },
  { method: 'GET', pattern: '/api/v1/audit/verify', role: 'viewer', path: () => '/api/v1/audit/verify', ok: 200 },
  { method: 'GET', pattern: '/api/v1/dead-letters', role: 'viewer', path: () => '/api/v1/dead-letters', ok: 200 },
  {
    method: 'POST',
    pattern: '/api/v1/dead-letters/replay',
    role: 'operator',
    path: () => '/api/v1/dead-letters/replay',
    body: () => ({ filter: {} }),
    ok: 202,
  },
  { method: 'GET', pattern: '/api/v1/deliveries', role: 'viewer', path: () => '/api/v1/deliveries', ok: 200 },
  { method: 'GET', pattern: '/api/v1/deliveries/[id]', role: 'viewer', path: (ids) => `/api/v1/deliveries/${ids.deliveryId}`, ok: 200 },
  { method: 'GET', pattern: '/api/v1/endpoints', role: 'viewer', path: () => '/api/v1/endpoints', ok: 200 },
  {
    method: 'POST',
    pattern: '/api/v1/endpoints',
    role: 'admin',
    path: () => '/api/v1/endpoints',
    body: () => ({ name: `ep-${unique()}`, url: 'http://127.0.0.1:9/hook' }),
    ok: 201,
  },
  { method: 'GET', pattern: '/api/v1/endpoints/[id]', role: 'viewer', path: (ids) => `/api/v1/endpoints/${ids.endpointId}`, ok: 200 },
  {
    method: 'PATCH',
    pattern: '/api/v1/endpoints/[id]',
    role: 'admin',
    path: (ids) => `/api/v1/endpoints/${ids.endpointId}`,
    body: () => ({ name: `renamed-${unique()}` }),
    ok: 200,
  },
  { method: 'GET', pattern: '/api/v1/endpoints/[id]/buckets', role: 'viewer', path: (ids) => `/api/v1/endpoints/${ids.endpointId}/buckets`, ok: 200 },
  {
    method: 'POST',
    pattern: '/api/v1/endpoints/[id]/override',
    role: 'operator',
    path: (ids) => `/api/v1/endpoints/${ids.endpointId}/override`,
    body: () => ({ action: 'metrics_only', reason: 'role test' }),
    ok: 200,
  },
  {
    method: 'GET',
    pattern: '/api/v1/endpoints/[id]/attempts',
    role: 'viewer',
    path: (ids) => `/api/v1/endpoints/${ids.endpointId}/attempts`,
    ok: 200,
  },
  {
    method: 'GET',
    pattern: '/api/v1/endpoints/[id]/transitions',
    role: 'viewer',
    path: (ids) => `/api/v1/endpoints/${ids.endpointId}/transitions`,
    ok: 200,
  },
  { method: 'GET', pattern: '/api/v1/replays/[id]', role: 'viewer', path: (ids) => `/api/v1/replays/${ids.replayId}`, ok: 200 },
  { method: 'POST', pattern: '/api/v1/replays/[id]/cancel', role: 'operator', path: (ids) => `/api/v1/replays/${ids.replayId}/cancel`, ok: 200 },
  { method: 'GET', pattern: '/api/v1/sources', role: 'viewer', path: () => '/api/v1/sources', ok: 200 },
  {
    method: 'POST',
    pattern: '/api/v1/sources',
    role: 'admin',
    path: () => '/api/v1/sources',
    body: () => ({ name: `src-${unique()}`, scheme: 'hmac-sha256', secrets: ['role-test-secret'] }),
    ok: 201,
  },
  { method: 'GET', pattern: '/api/v1/sources/[id]', role: 'viewer', path: (ids) => `/api/v1/sources/${ids.sourceId}`, ok: 200 },
  {
    method: 'PATCH',
    pattern: '/api/v1/sources/[id]',
    role: 'admin',
    path: (ids) => `/api/v1/sources/${ids.sourceId}`,
    body: () => ({ rateLimit: { perSecond: 100, burst: 200 } }),
    ok: 200,
  },
  { method: 'GET', pattern: '/api/v1/subscriptions', role: 'viewer', path: () => '/api/v1/subscriptions', ok: 200 },
  {
    method: 'DELETE',
    pattern: '/api/v1/subscriptions/[id]',
    role: 'admin',
    path: () => '/api/v1/subscriptions/sub_unknown',
    // The admin call passes the role check and then finds no such subscription.
    ok: 404,
  },
  {
    method: 'POST',
    pattern: '/api/v1/subscriptions',
    role: 'admin',
    path: () => '/api/v1/subscriptions',
    body: () => ({ sourceId: 'src_unknown', endpointId: 'ep_unknown' }),
    // The admin call passes the role check and then finds neither id.
    ok: 404,
  },
  { method: 'GET', pattern: '/api/v1/tokens', role: 'admin', path: () => '/api/v1/tokens', ok: 200 },
  {
    method: 'POST',
    pattern: '/api/v1/tokens',
    role: 'admin',
    path: () => '/api/v1/tokens',
    body: () => ({ name: `tok-${unique()}`, role: 'viewer' }),
    ok: 201,
  },
  { method: 'POST', pattern: '/api/v1/tokens/[id]/revoke', role: 'admin', path: (ids) => `/api/v1/tokens/${ids.tokenId}/revoke`, ok: 200 },
  { method: 'GET', pattern: '/api/v1/users', role: 'admin', path: () => '/api/v1/users', ok: 200 },
  {
    method: 'POST',
    pattern: '/api/v1/users',
    role: 'admin',
    path: () => '/api/v1/users',
    body: () => ({ email: `user-${unique()}@example.com`, password: 'long enough password', role: 'viewer' }),
    ok: 201,
  },
  {
    method: 'PATCH',
    pattern: '/api/v1/users/[id]',
    role: 'admin',
    path: (ids) => `/api/v1/users/${ids.userId}`,
    body: () => ({ role: 'operator' }),
    ok: 200,
  },
  { method: 'GET', pattern: '/api/v1/alerts', role: 'viewer', path: () => '/api/v1/alerts', ok: 200 },
  { method: 'POST', pattern: '/api/v1/alerts/[id]/ack', role: 'operator', path: () => '/api/v1/alerts/alr_unknown/ack', body: () => ({}) },
  { method: 'GET', pattern: '/api/v1/endpoints/[id]/probes', role: 'viewer', path: (ids) => `/api/v1/endpoints/${ids.endpointId}/probes`, ok: 200 },
  { method: 'GET', pattern: '/api/v1/endpoints/[id]/slo', role: 'viewer', path: (ids) => `/api/v1/endpoints/${ids.endpointId}/slo`, ok: 200 },
  { method: 'GET', pattern: '/api/v1/endpoints/[id]/timeline', role: 'viewer', path: (ids) => `/api/v1/endpoints/${ids.endpointId}/timeline`, ok: 200 },
  { method: 'GET', pattern: '/api/v1/runbooks', role: 'viewer', path: () => '/api/v1/runbooks', ok: 200 },
  { method: 'GET', pattern: '/api/v1/runbooks/[slug]', role: 'viewer', path: () => '/api/v1/runbooks/no-such-runbook' },
];

/** True when the app has this route; rows for routes not in this checkout are skipped. */
function routeExists(pattern: string): boolean {
  return existsSync(path.join(process.cwd(), 'app', ...pattern.split('/').filter(Boolean), 'route.ts'));
}

// Routes that take no management credentials: producers sign their requests, and health,
// metrics, sign-in and sign-out are open by design. The benchmark route answers 404 unless
// the server was started with SWITCHYARD_BENCH_ROUTES=1.
const OPEN_ROUTES = [
  'GET /api/health',
  'GET /api/metrics',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'POST /api/v1/ingest/[source]',
  'POST /api/bench/empty',
];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const ROLE_NAMES: Role[] = ['viewer', 'operator', 'admin'];

/** Every exported HTTP method of every route.ts under app/api, as "METHOD /path". */
function discoverRoutes(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      if (entry !== 'route.ts') continue;
      const routePath = `/${path.relative(path.join(root, 'app'), dir).split(path.sep).join('/')}`;
      const source = readFileSync(full, 'utf8');
      for (const match of source.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) {
        found.push(`${match[1]} ${routePath}`);
      }
    }
  };
  walk(path.join(root, 'app', 'api'));
  return found.sort();
}

describe('route roles', () => {
  let db: TestDatabase;
  let app: AppInstance;
  let receiver: Receiver;
  const tokens = {} as Record<Role, string>;
  let revokedToken: string;
  let ids: Ids;

  beforeAll(async () => {
    db = await createTestDatabase('roles');
    receiver = await startReceiver();
    app = await startApp({ databaseUrl: db.url });

    for (const role of ROLE_NAMES) {
      const created = await app.api('POST', '/api/v1/tokens', { name: `${role}-token`, role });
      expect(created.status).toBe(201);
      tokens[role] = created.body.token;
    }
    const revoked = await app.api('POST', '/api/v1/tokens', { name: 'revoked-token', role: 'admin' });
    revokedToken = revoked.body.token;
    expect((await app.api('POST', `/api/v1/tokens/${revoked.body.id}/revoke`)).status).toBe(200);

    const source = await app.api('POST', '/api/v1/sources', { name: 'roles-src', scheme: 'github', secrets: ['roles-secret'] });
    const endpoint = await app.api('POST', '/api/v1/endpoints', { name: 'roles-ep', url: receiver.url });
    await app.api('POST', '/api/v1/subscriptions', { sourceId: source.body.id, endpointId: endpoint.body.id });
    const body = JSON.stringify({ hello: 'roles' });
    const ingested = await fetch(`${app.url}/api/v1/ingest/roles-src`, {
      method: 'POST',
      headers: { 'x-github-delivery': 'roles-1', 'x-github-event': 'push', 'x-hub-signature-256': signGithub(body, 'roles-secret') },
      body,
    });
    expect(ingested.status).toBe(202);
    const deliveries = await app.api('GET', `/api/v1/deliveries?endpointId=${endpoint.body.id}`);
    const replay = await app.api('POST', '/api/v1/dead-letters/replay', { filter: {} });
    const user = await app.api('POST', '/api/v1/users', { email: 'patch-me@example.com', password: 'long enough password', role: 'viewer' });
    const spareToken = await app.api('POST', '/api/v1/tokens', { name: 'spare', role: 'viewer' });
    ids = {
      sourceId: source.body.id,
      endpointId: endpoint.body.id,
      deliveryId: deliveries.body.data[0].id,
      replayId: replay.body.replayId,
      userId: user.body.id,
      tokenId: spareToken.body.id,
    };
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await db?.drop();
  });

  it('covers every route in app/api', () => {
    const covered = new Set([...ROUTES.map((r) => `${r.method} ${r.pattern}`), ...OPEN_ROUTES]);
    const missing = discoverRoutes(process.cwd()).filter((route) => !covered.has(route));
    expect(missing, 'add these routes to ROUTES or OPEN_ROUTES in this file').toEqual([]);
  });

  describe.each(ROUTES.filter((route) => routeExists(route.pattern)))('$method $pattern', (route) => {
    it('returns 401 without a token', async () => {
      const response = await fetch(app.url + route.path(ids), {
        method: route.method,
        headers: { 'content-type': 'application/json' },
        body: route.body ? JSON.stringify(route.body(ids)) : undefined,
      });
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('unauthorized');
    });

    it('returns 401 for a revoked token', async () => {
      const response = await app.api(route.method, route.path(ids), route.body?.(ids), revokedToken);
      expect(response.status).toBe(401);
    });

    it('returns 401 for an unknown token', async () => {
      const response = await app.api(route.method, route.path(ids), route.body?.(ids), 'sy_not_a_real_token');
      expect(response.status).toBe(401);
    });

    const below = ROLE_NAMES.filter((role) => RANK[role] < RANK[route.role]);
    if (below.length > 0) {
      it.each(below)('returns 403 for %s', async (role) => {
        const response = await app.api(route.method, route.path(ids), route.body?.(ids), tokens[role]);
        expect(response.status).toBe(403);
        expect(response.body.error.code).toBe('forbidden');
      });
    }

    it(`succeeds for ${route.role}`, async () => {
      const response = await app.api(route.method, route.path(ids), route.body?.(ids), tokens[route.role]);
      if (route.ok !== undefined) {
        expect(response.status, JSON.stringify(response.body)).toBe(route.ok);
      } else {
        expect([401, 403], JSON.stringify(response.body)).not.toContain(response.status);
        expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
      }
    });
  });

  it('keeps routes without credentials open', async () => {
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${app.url}/api/metrics`)).status).toBe(200);
  });

  it('keeps the benchmark route off by default', async () => {
    if (!routeExists('/api/bench/empty')) return;
    const response = await fetch(`${app.url}/api/bench/empty`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });

  it('rejects a malformed Authorization header with 401', async () => {
    for (const value of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'token abc']) {
      const response = await fetch(`${app.url}/api/v1/endpoints`, { headers: { authorization: value } });
      expect(response.status, value).toBe(401);
    }
  });
});

describe('users, tokens and sessions', () => {
  let db: TestDatabase;
  let app: AppInstance;
  let endpointId: string;

  const signIn = async (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  const sessionOf = (response: Response): string => {
    const cookie = response.headers.get('set-cookie') ?? '';
    return cookie.split(';')[0];
  };

  const withCookie = (cookie: string, method: string, route: string, body?: unknown, origin: string | null = app.url) =>
    fetch(app.url + route, {
      method,
      headers: { cookie, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const createUser = async (email: string, role: Role): Promise<string> => {
    const created = await app.api('POST', '/api/v1/users', { email, password: 'correct horse battery', role });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  };

  beforeAll(async () => {
    db = await createTestDatabase('sessions');
    app = await startApp({ databaseUrl: db.url });
    const endpoint = await app.api('POST', '/api/v1/endpoints', { name: 'session-ep', url: 'http://127.0.0.1:9/hook' });
    endpointId = endpoint.body.id;
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('creates a user without returning the password', async () => {
    const created = await app.api('POST', '/api/v1/users', { email: 'Ada@Example.com', password: 'correct horse battery', role: 'viewer' });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^usr_/);
    expect(created.body.email).toBe('ada@example.com');
    expect(JSON.stringify(created.body)).not.toContain('correct horse');
    const listed = await app.api('GET', '/api/v1/users');
    expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|password/i);
  });

  it('rejects a short password, a bad role and a taken email', async () => {
    const short = await app.api('POST', '/api/v1/users', { email: 'short@example.com', password: 'elevenchars', role: 'viewer' });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('password');
    const role = await app.api('POST', '/api/v1/users', { email: 'role@example.com', password: 'correct horse battery', role: 'root' });
    expect(role.status).toBe(400);
    await createUser('taken@example.com', 'viewer');
    const taken = await app.api('POST', '/api/v1/users', { email: 'TAKEN@example.com', password: 'correct horse battery', role: 'viewer' });
    expect(taken.status).toBe(409);
  });

  it('signs in with email and password', async () => {
    await createUser('grace@example.com', 'operator');
    const response = await signIn({ email: 'Grace@example.com', password: 'correct horse battery' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ actor: 'user:grace@example.com', role: 'operator' });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const session = await withCookie(sessionOf(response), 'GET', '/api/auth/session');
    expect(await session.json()).toEqual({ actor: 'user:grace@example.com', role: 'operator' });
  });

  it('rejects a wrong password and an unknown email alike', async () => {
    await createUser('linus@example.com', 'viewer');
    const wrong = await signIn({ email: 'linus@example.com', password: 'not the password' });
    const unknown = await signIn({ email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message);
  });

  it('rejects sign-in posted from another site', async () => {
    const credentials = { email: 'grace@example.com', password: 'correct horse battery' };
    const foreign = await signIn(credentials, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    expect((await signIn(credentials, { origin: app.url })).status).toBe(200);
  });

  it('keeps token sign-in working', async () => {
    const response = await signIn({ token: TEST_ADMIN_TOKEN });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ actor: 'admin', role: 'admin' });
  });

  it('rejects an incomplete sign-in body with 400', async () => {
    expect((await signIn({ email: 'grace@example.com' })).status).toBe(400);
    expect((await signIn({})).status).toBe(400);
    expect((await signIn({ token: TEST_ADMIN_TOKEN, password: 'x' })).status).toBe(400);
  });

  it('rate-limits password attempts per email', async () => {
    await createUser('guessed@example.com', 'viewer');
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const response = await signIn({ email: 'guessed@example.com', password: `guess number ${i}` });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('rejects cookie mutations from a foreign or missing Origin', async () => {
    await createUser('origin@example.com', 'operator');
    const cookie = sessionOf(await signIn({ email: 'origin@example.com', password: 'correct horse battery' }));
    const body = { action: 'metrics_only', reason: 'origin test' };
    const foreign = await withCookie(cookie, 'POST', `/api/v1/endpoints/${endpointId}/override`, body, 'http://evil.example');
    expect(foreign.status).toBe(403);
    const opaque = await withCookie(cookie, 'POST', `/api/v1/endpoints/${endpointId}/override`, body, 'null');
    expect(opaque.status).toBe(403);
    const missing = await withCookie(cookie, 'POST', `/api/v1/endpoints/${endpointId}/override`, body, null);
    expect(missing.status).toBe(403);
    const same = await withCookie(cookie, 'POST', `/api/v1/endpoints/${endpointId}/override`, body);
    expect(same.status).toBe(200);
    // Reads with a cookie need no Origin.
    expect((await withCookie(cookie, 'GET', '/api/v1/endpoints', undefined, null)).status).toBe(200);
  });

  it('treats a malformed session cookie as no session', async () => {
    for (const cookie of ['switchyard_session=%E0%A4%A', 'switchyard_session=abc.def', 'switchyard_session=']) {
      const response = await withCookie(cookie, 'GET', '/api/auth/session');
      expect(response.status, cookie).toBe(401);
    }
  });

  it('ends the session of a disabled user at once', async () => {
    const id = await createUser('leaver@example.com', 'operator');
    const cookie = sessionOf(await signIn({ email: 'leaver@example.com', password: 'correct horse battery' }));
    expect((await withCookie(cookie, 'GET', '/api/auth/session')).status).toBe(200);

    const disabled = await app.api('PATCH', `/api/v1/users/${id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect((await withCookie(cookie, 'GET', '/api/auth/session')).status).toBe(401);
    expect((await signIn({ email: 'leaver@example.com', password: 'correct horse battery' })).status).toBe(401);

    await app.api('PATCH', `/api/v1/users/${id}`, { disabled: false });
    expect((await withCookie(cookie, 'GET', '/api/auth/session')).status).toBe(200);
  });

  it('applies a role change to an open session', async () => {
    const id = await createUser('demoted@example.com', 'operator');
    const cookie = sessionOf(await signIn({ email: 'demoted@example.com', password: 'correct horse battery' }));
    const body = { action: 'metrics_only', reason: 'role change test' };
    expect((await withCookie(cookie, 'POST', `/api/v1/endpoints/${endpointId}/override`, body)).status).toBe(200);
    await app.api('PATCH', `/api/v1/users/${id}`, { role: 'viewer' });
    expect((await withCookie(cookie, 'POST', `/api/v1/endpoints/${endpointId}/override`, body)).status).toBe(403);
  });

  it('stops an admin from disabling or demoting itself', async () => {
    const id = await createUser('root@example.com', 'admin');
    const cookie = sessionOf(await signIn({ email: 'root@example.com', password: 'correct horse battery' }));
    const disable = await withCookie(cookie, 'PATCH', `/api/v1/users/${id}`, { disabled: true });
    expect(disable.status).toBe(403);
    const demote = await withCookie(cookie, 'PATCH', `/api/v1/users/${id}`, { role: 'viewer' });
    expect(demote.status).toBe(403);
  });

  it('shows a token once and ends its sessions on revoke', async () => {
    const created = await app.api('POST', '/api/v1/tokens', { name: 'automation', role: 'operator' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^sy_[A-Za-z0-9_-]{40,}$/);
    expect(created.body.id).toMatch(/^tok_/);
    const listed = await app.api('GET', '/api/v1/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(listed.body.data.find((t: { id: string }) => t.id === created.body.id)).toMatchObject({ name: 'automation', role: 'operator', revokedAt: null });

    const duplicate = await app.api('POST', '/api/v1/tokens', { name: 'automation', role: 'viewer' });
    expect(duplicate.status).toBe(409);

    const cookie = sessionOf(await signIn({ token: created.body.token }));
    expect((await withCookie(cookie, 'GET', '/api/auth/session')).status).toBe(200);
    expect((await app.api('GET', '/api/v1/endpoints', undefined, created.body.token)).status).toBe(200);

    const revoked = await app.api('POST', `/api/v1/tokens/${created.body.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await app.api('GET', '/api/v1/endpoints', undefined, created.body.token)).status).toBe(401);
    expect((await withCookie(cookie, 'GET', '/api/auth/session')).status).toBe(401);
    expect((await signIn({ token: created.body.token })).status).toBe(401);

    const again = await app.api('POST', `/api/v1/tokens/${created.body.id}/revoke`);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect((await app.api('POST', '/api/v1/tokens/tok_missing/revoke')).status).toBe(404);
  });

  it('audits sign-in, user and token changes', async () => {
    const audit = async (action: string): Promise<Array<{ actor: string; targetId: string | null; before: unknown; after: any }>> =>
      (await app.api('GET', `/api/v1/audit?action=${action}&limit=500`)).body.data;

    const userCreates = await audit('user.create');
    expect(userCreates.some((e) => e.after.email === 'grace@example.com' && e.actor === 'admin')).toBe(true);
    expect(JSON.stringify(userCreates)).not.toContain('correct horse');

    const userUpdates = await audit('user.update');
    const disabling = userUpdates.find((e) => e.after.disabled === true);
    expect(disabling?.before).toEqual({ role: 'operator', disabled: false });
    expect(disabling?.actor).toBe('admin');

    const signIns = await audit('auth.sign_in');
    expect(signIns.some((e) => e.actor === 'user:grace@example.com' && e.after.method === 'password')).toBe(true);
    expect(signIns.some((e) => e.actor === 'admin' && e.after.method === 'token')).toBe(true);

    const tokenCreates = await audit('token.create');
    expect(tokenCreates.some((e) => e.after.name === 'automation' && e.after.role === 'operator')).toBe(true);
    const tokenRevokes = await audit('token.revoke');
    expect(tokenRevokes.filter((e) => e.after.name === 'automation')).toHaveLength(1);

    const verified = await app.api('GET', '/api/v1/audit/verify');
    expect(verified.body.ok).toBe(true);
  });
});
