// Ingress hardening through two real app instances on one database: body size limit, a rate
// limit shared across instances, random and malformed requests, and replayed messages.
import { randomBytes, randomUUID } from 'node:crypto';

import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signGithub, signStandardWebhooks, signStripe } from '../../../lib/ingest/sign';
import { type AppInstance, startApp } from '../../support/app';
import { type TestDatabase, createTestDatabase } from '../../support/database';
import { rawRequest } from '../../support/raw-http';

const GITHUB_SECRET = 'ingress-github-secret';
const HMAC_SECRET = 'ingress-hmac-secret';
const STRIPE_SECRET = 'whsec_ingressstripesecret';
const STANDARD_SECRET = 'whsec_aW5ncmVzcy1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQ=';
const JWT_SECRET = 'ingress-jwt-secret-of-32-bytes-at-least';

const RATE = { perSecond: 2, burst: 10 };
const SMALL_BODY_LIMIT = 1024;
const OPEN_LIMIT = { perSecond: 100_000, burst: 1_000_000 };

type Reply = { status: number; body: any; retryAfter: string | null };

async function post(app: AppInstance, source: string, body: string | Uint8Array, headers: Record<string, string>): Promise<Reply> {
  const response = await fetch(`${app.url}/api/v1/ingest/${source}`, { method: 'POST', headers, body: typeof body === 'string' ? body : Buffer.from(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The assertions report the raw text.
  }
  return { status: response.status, body: parsed, retryAfter: response.headers.get('retry-after') };
}

function githubHeaders(body: string, deliveryId = randomUUID()): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': deliveryId,
    'x-hub-signature-256': signGithub(body, GITHUB_SECRET),
  };
}

describe('ingress hardening', () => {
  let db: TestDatabase;
  let sql: pg.Pool;
  let first: AppInstance;
  let second: AppInstance;
  const sourceIds: Record<string, string> = {};

  const count = async (query: string, params: unknown[] = []): Promise<number> =>
    Number((await sql.query<{ n: number }>(query, params)).rows[0].n);
  const eventsOf = (source: string): Promise<number> => count('SELECT count(*)::int AS n FROM events WHERE source_id = $1', [sourceIds[source]]);

  beforeAll(async () => {
    db = await createTestDatabase('ingress');
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    [first, second] = await Promise.all([startApp({ databaseUrl: db.url }), startApp({ databaseUrl: db.url })]);

    const sources = [
      { name: 'limited', scheme: 'github', secrets: [GITHUB_SECRET], rateLimit: RATE },
      { name: 'small', scheme: 'github', secrets: [GITHUB_SECRET], maxBodyBytes: SMALL_BODY_LIMIT, rateLimit: OPEN_LIMIT },
      { name: 'gh', scheme: 'github', secrets: [GITHUB_SECRET], rateLimit: OPEN_LIMIT },
      { name: 'mac', scheme: 'hmac-sha256', secrets: [HMAC_SECRET], rateLimit: OPEN_LIMIT, options: { header: 'x-signature', prefix: 'sha256=' } },
      { name: 'st', scheme: 'stripe', secrets: [STRIPE_SECRET], rateLimit: OPEN_LIMIT },
      { name: 'sw', scheme: 'standard-webhooks', secrets: [STANDARD_SECRET], rateLimit: OPEN_LIMIT },
      { name: 'jw', scheme: 'jwt', secrets: [JWT_SECRET], rateLimit: OPEN_LIMIT, options: { issuer: 'producer', audience: 'switchyard' } },
    ];
    for (const source of sources) {
      const created = await first.api('POST', '/api/v1/sources', source);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      sourceIds[source.name] = created.body.id;
    }

    // Every source feeds one endpoint whose breaker is disabled: accepted events get held
    // deliveries, and nothing is sent, so any breaker bucket row would be a bug.
    const endpoint = await first.api('POST', '/api/v1/endpoints', { name: 'held', url: 'http://127.0.0.1:9/hook' });
    const disabled = await first.api('POST', `/api/v1/endpoints/${endpoint.body.id}/override`, { action: 'disable', reason: 'ingress test holds deliveries' });
    expect(disabled.status).toBe(200);
    for (const id of Object.values(sourceIds)) {
      const subscribed = await first.api('POST', '/api/v1/subscriptions', { sourceId: id, endpointId: endpoint.body.id });
      expect(subscribed.status).toBe(201);
    }
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await sql?.end();
    await db?.drop();
  });

  describe('body size limit', () => {
    const head = (port: number, extra: string): string =>
      `POST /api/v1/ingest/small HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
      `X-GitHub-Event: push\r\nX-GitHub-Delivery: size-${randomUUID()}\r\nX-Hub-Signature-256: sha256=00\r\n${extra}\r\n`;

    it('rejects a declared Content-Length over the limit before the body', async () => {
      // Declares 10 MiB and sends 100 bytes: the reply must come without the rest.
      const response = await rawRequest(first.port, [head(first.port, 'Content-Length: 10485760\r\n'), 'x'.repeat(100)]);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body).error.code).toBe('payload_too_large');
    });

    it('cuts off a chunked body that passes the limit', async () => {
      // Three 512-byte chunks and no final chunk: the server must stop at the limit.
      const chunk = `200\r\n${'y'.repeat(512)}\r\n`;
      const response = await rawRequest(first.port, [head(first.port, 'Transfer-Encoding: chunked\r\n'), chunk, chunk, chunk]);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.body).error.code).toBe('payload_too_large');
    });

    it('accepts a body at the limit', async () => {
      const body = JSON.stringify({ pad: 'z'.repeat(SMALL_BODY_LIMIT - 10) });
      expect(Buffer.byteLength(body)).toBe(SMALL_BODY_LIMIT);
      const reply = await post(second, 'small', body, githubHeaders(body));
      expect(reply.status).toBe(202);
    });

    it('stored only the accepted body', async () => {
      expect(await eventsOf('small')).toBe(1);
    });
  });

  describe('rate limit across two instances', () => {
    const PER_INSTANCE = 40;
    const CONCURRENCY = 8;
    let replies: Array<Reply & { instance: string }> = [];
    let elapsedSeconds = 0;

    beforeAll(async () => {
      const flood = async (app: AppInstance): Promise<Array<Reply & { instance: string }>> => {
        const results: Array<Reply & { instance: string }> = [];
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < PER_INSTANCE) {
            next++;
            const body = JSON.stringify({ flood: randomUUID() });
            results.push({ ...(await post(app, 'limited', body, githubHeaders(body))), instance: app.instanceId });
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        return results;
      };
      const started = performance.now();
      const [a, b] = await Promise.all([flood(first), flood(second)]);
      elapsedSeconds = (performance.now() - started) / 1000;
      replies = [...a, ...b];
    });

    it('answers every request with 202 or 429', () => {
      expect(replies).toHaveLength(2 * PER_INSTANCE);
      const statuses = new Set(replies.map((reply) => reply.status));
      expect([...statuses].sort()).toEqual([202, 429]);
    });

    it('accepts no more than burst plus rate times elapsed', () => {
      const accepted = replies.filter((reply) => reply.status === 202).length;
      expect(accepted).toBeGreaterThanOrEqual(RATE.burst);
      expect(accepted).toBeLessThanOrEqual(RATE.burst + RATE.perSecond * elapsedSeconds);
    });

    it('sends Retry-After with every 429', () => {
      const limited = replies.filter((reply) => reply.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      for (const reply of limited) {
        expect(reply.retryAfter).toMatch(/^\d+$/);
        expect(Number(reply.retryAfter)).toBeGreaterThanOrEqual(1);
        expect(reply.body.error.code).toBe('rate_limited');
      }
    });

    it('rate-limits on both instances', () => {
      for (const app of [first, second]) {
        expect(replies.some((reply) => reply.instance === app.instanceId && reply.status === 429), app.instanceId).toBe(true);
      }
    });

    it('stores events and deliveries only for accepted requests', async () => {
      const accepted = replies.filter((reply) => reply.status === 202).length;
      expect(await eventsOf('limited')).toBe(accepted);
      const deliveries = await count('SELECT count(*)::int AS n FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.source_id = $1', [sourceIds.limited]);
      expect(deliveries).toBe(accepted);
    });

    it('moves no breaker metric', async () => {
      expect(await count('SELECT count(*)::int AS n FROM breaker_buckets')).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM attempts')).toBe(0);
    });
  });

  describe('invalid signatures', () => {
    it('are rejected with 401 and touch nothing', async () => {
      const before = await eventsOf('gh');
      for (let i = 0; i < 20; i++) {
        const body = JSON.stringify({ forged: i });
        const reply = await post(i % 2 ? first : second, 'gh', body, { ...githubHeaders(body), 'x-hub-signature-256': signGithub(body, 'wrong-secret') });
        expect(reply.status).toBe(401);
        expect(reply.body.error.code).toBe('signature_invalid');
      }
      expect(await eventsOf('gh')).toBe(before);
      expect(await count('SELECT count(*)::int AS n FROM breaker_buckets')).toBe(0);
    });
  });

  describe('malformed headers', () => {
    const now = (): number => Math.floor(Date.now() / 1000);
    const latin1 = Buffer.from([0x73, 0x68, 0x61, 0x32, 0x35, 0x36, 0x3d, 0xe9, 0xff, 0x80]).toString('latin1');
    const cases: Array<{ source: string; name: string; headers: Record<string, string> }> = [
      { source: 'gh', name: 'empty GitHub signature', headers: { 'X-Hub-Signature-256': '' } },
      { source: 'gh', name: 'GitHub sha1 signature', headers: { 'X-Hub-Signature-256': 'sha1=0123' } },
      { source: 'gh', name: 'non-hex GitHub signature', headers: { 'X-Hub-Signature-256': 'sha256=zzzz' } },
      { source: 'gh', name: 'GitHub signature with 8-bit bytes', headers: { 'X-Hub-Signature-256': latin1 } },
      { source: 'gh', name: 'two GitHub signatures', headers: { 'X-Hub-Signature-256': 'sha256=00\r\nX-Hub-Signature-256: sha256=11' } },
      { source: 'mac', name: 'HMAC without prefix', headers: { 'X-Signature': 'deadbeef' } },
      { source: 'mac', name: 'HMAC with 8-bit bytes', headers: { 'X-Signature': latin1 } },
      { source: 'st', name: 'Stripe without t=', headers: { 'Stripe-Signature': 'v1=00' } },
      { source: 'st', name: 'Stripe with text t=', headers: { 'Stripe-Signature': 't=abc,v1=00' } },
      { source: 'st', name: 'Stripe with two t=', headers: { 'Stripe-Signature': `t=${now()},t=${now() - 1},v1=00` } },
      { source: 'st', name: 'Stripe without v1', headers: { 'Stripe-Signature': `t=${now()}` } },
      { source: 'st', name: 'Stripe of commas', headers: { 'Stripe-Signature': ',,,=,' } },
      { source: 'st', name: 'Stripe with huge t=', headers: { 'Stripe-Signature': `t=${'9'.repeat(400)},v1=00` } },
      { source: 'sw', name: 'Standard Webhooks without id', headers: { 'webhook-timestamp': String(now()), 'webhook-signature': 'v1,AAAA' } },
      { source: 'sw', name: 'Standard Webhooks text timestamp', headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': 'NaN', 'webhook-signature': 'v1,AAAA' } },
      { source: 'sw', name: 'Standard Webhooks exponent timestamp', headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': '1e10', 'webhook-signature': 'v1,AAAA' } },
      { source: 'sw', name: 'Standard Webhooks negative timestamp', headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': '-5', 'webhook-signature': 'v1,AAAA' } },
      { source: 'sw', name: 'Standard Webhooks empty v1', headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': String(now()), 'webhook-signature': 'v1,' } },
      { source: 'sw', name: 'Standard Webhooks bad base64', headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': String(now()), 'webhook-signature': 'v1,!!!not-base64' } },
      { source: 'sw', name: 'Standard Webhooks 8-bit id', headers: { 'webhook-id': latin1, 'webhook-timestamp': String(now()), 'webhook-signature': 'v1,AAAA' } },
      { source: 'jw', name: 'JWT without token', headers: { Authorization: 'Bearer' } },
      { source: 'jw', name: 'JWT with two segments', headers: { Authorization: 'Bearer a.b' } },
      { source: 'jw', name: 'JWT of junk', headers: { Authorization: 'Bearer a.b.c' } },
      { source: 'jw', name: 'JWT with alg none', headers: { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJleHAiOjk5OTk5OTk5OTl9.' } },
      { source: 'jw', name: 'JWT as Basic', headers: { Authorization: 'Basic dXNlcjpwYXNz' } },
      { source: 'jw', name: 'JWT with 8-bit bytes', headers: { Authorization: `Bearer ${latin1}` } },
    ];

    it.each(cases)('$source: $name gives 401', async ({ source, headers }) => {
      const body = '{"id":"evt_malformed","type":"test"}';
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      const response = await rawRequest(first.port, [
        `POST /api/v1/ingest/${source} HTTP/1.1\r\nHost: 127.0.0.1:${first.port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${lines}\r\n${body}`,
      ].map((part) => Buffer.from(part, 'latin1')));
      expect(response.status, response.body).toBe(401);
    });

    it('stored nothing for them', async () => {
      for (const source of ['gh', 'mac', 'st', 'sw', 'jw']) {
        const stored = await sql.query("SELECT 1 FROM events WHERE source_id = $1 AND external_id = 'evt_malformed'", [sourceIds[source]]);
        expect(stored.rowCount, source).toBe(0);
      }
    });
  });

  describe('random requests', () => {
    const HEADER_NAMES = [
      'content-type',
      'x-hub-signature-256',
      'x-github-delivery',
      'x-github-event',
      'x-signature',
      'stripe-signature',
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
      'authorization',
      'idempotency-key',
      'x-forwarded-for',
      'content-encoding',
    ];
    const printable = fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 120 }).map((codes) => String.fromCharCode(...codes).trim());
    const hex = fc.array(fc.constantFrom(...'0123456789abcdef'), { maxLength: 64 }).map((digits) => digits.join(''));
    const nearValid = fc.oneof(
      printable,
      fc.integer().map(String),
      hex.map((digits) => `sha256=${digits}`),
      fc.tuple(fc.integer({ min: -1, max: 2_000_000_000 }), hex).map(([t, v]) => `t=${t},v1=${v}`),
      fc.base64String().map((b64) => `v1,${b64}`),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => `Bearer ${parts.join('.')}`),
    );
    const requestArbitrary = fc.record({
      source: fc.constantFrom('gh', 'mac', 'st', 'sw', 'jw', 'unknown-source'),
      instance: fc.constantFrom(0, 1),
      headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), nearValid, { maxKeys: 8 }),
      body: fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.json().map((text) => new TextEncoder().encode(text))),
    });

    it('never answers 5xx and stores nothing it rejects', async () => {
      const eventsBefore = await count('SELECT count(*)::int AS n FROM events');
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(requestArbitrary, async (request) => {
          const app = request.instance === 0 ? first : second;
          const reply = await post(app, request.source, request.body, request.headers);
          expect(reply.status, JSON.stringify(reply.body)).toBeLessThan(500);
          expect([200, 202, 400, 401, 404, 413, 415, 429]).toContain(reply.status);
          if (reply.status >= 400) expect(typeof reply.body.error.code).toBe('string');
          if (reply.status === 202) accepted++;
        }),
        { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
      );
      expect(await count('SELECT count(*)::int AS n FROM events')).toBe(eventsBefore + accepted);
    });

    it('left both instances running', async () => {
      for (const app of [first, second]) {
        expect(app.process.exitCode).toBeNull();
        expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
      }
    });
  });

  describe('signed messages with awkward ids and types', () => {
    const standardHeaders = (id: string, body: string): Record<string, string> => {
      const timestampSeconds = Math.floor(Date.now() / 1000);
      return {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signStandardWebhooks({ id, timestampSeconds, body, secret: STANDARD_SECRET }),
      };
    };

    it('stores a Stripe event with NUL', async () => {
      // PostgreSQL text cannot store NUL, so these characters are dropped from the stored id
      // and type. The body is stored byte for byte.
      const body = JSON.stringify({ id: 'evt_nul\u0000id', type: 'charge.\u0000succeeded' });
      const sign = () => ({ 'content-type': 'application/json', 'stripe-signature': signStripe(body, STRIPE_SECRET, Math.floor(Date.now() / 1000)) });
      const reply = await post(first, 'st', body, sign());
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
      const stored = await sql.query<{ external_id: string; event_type: string; body: Buffer }>(
        'SELECT external_id, event_type, body FROM events WHERE id = $1',
        [reply.body.eventId],
      );
      expect(stored.rows[0].external_id).toBe('evt_nulid');
      expect(stored.rows[0].event_type).toBe('charge.succeeded');
      expect(stored.rows[0].body.toString('utf8')).toBe(body);
      const again = await post(second, 'st', body, sign());
      expect(again.status).toBe(200);
      expect(again.body.eventId).toBe(reply.body.eventId);
    });

    it('deduplicates a 6000-character id', async () => {
      // Random characters, so PostgreSQL cannot compress the id into a small index entry.
      const id = `msg_${randomBytes(4_500).toString('base64')}`;
      const body = JSON.stringify({ type: 'long.id' });
      const reply = await post(first, 'sw', body, standardHeaders(id, body));
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
      const again = await post(second, 'sw', body, standardHeaders(id, body));
      expect(again.status).toBe(200);
      expect(again.body.eventId).toBe(reply.body.eventId);
      const other = await post(first, 'sw', body, standardHeaders(`${id}y`, body));
      expect(other.status).toBe(202);
      expect(other.body.eventId).not.toBe(reply.body.eventId);
    });
  });

  describe('replayed messages', () => {
    it('stores a Standard Webhooks message once', async () => {
      const body = JSON.stringify({ type: 'invoice.paid', id: 'replayed' });
      const timestampSeconds = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'webhook-id': 'msg_replayed_1',
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signStandardWebhooks({ id: 'msg_replayed_1', timestampSeconds, body, secret: STANDARD_SECRET }),
      };
      const original = await post(first, 'sw', body, headers);
      const replayed = await post(second, 'sw', body, headers);
      expect(original.status).toBe(202);
      expect(replayed.status).toBe(200);
      expect(replayed.body.eventId).toBe(original.body.eventId);
      expect(replayed.body.duplicate).toBe(true);
      expect(await count("SELECT count(*)::int AS n FROM events WHERE external_id = 'msg_replayed_1'")).toBe(1);
      expect(await count('SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1', [original.body.eventId])).toBe(1);
    });

    it('stores a Stripe event once, even when re-signed', async () => {
      const body = JSON.stringify({ id: 'evt_replayed_1', type: 'charge.succeeded' });
      const now = Math.floor(Date.now() / 1000);
      const sign = (t: number) => ({ 'content-type': 'application/json', 'stripe-signature': signStripe(body, STRIPE_SECRET, t) });
      const original = await post(first, 'st', body, sign(now));
      const replayed = await post(second, 'st', body, sign(now));
      const resigned = await post(first, 'st', body, sign(now - 60));
      expect(original.status).toBe(202);
      expect(replayed.status).toBe(200);
      expect(resigned.status).toBe(200);
      expect(replayed.body.eventId).toBe(original.body.eventId);
      expect(resigned.body.eventId).toBe(original.body.eventId);
      expect(await count("SELECT count(*)::int AS n FROM events WHERE external_id = 'evt_replayed_1'")).toBe(1);
    });

    it('rejects a message outside the tolerance', async () => {
      const body = JSON.stringify({ type: 'invoice.paid' });
      const timestampSeconds = Math.floor(Date.now() / 1000) - 600;
      const reply = await post(first, 'sw', body, {
        'webhook-id': 'msg_stale',
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signStandardWebhooks({ id: 'msg_stale', timestampSeconds, body, secret: STANDARD_SECRET }),
      });
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe('timestamp_out_of_tolerance');
      expect(await count("SELECT count(*)::int AS n FROM events WHERE external_id = 'msg_stale'")).toBe(0);
    });
  });
});
