// The sender against receivers on 127.0.0.1: prompt answers, answers too slow in different
// ways (each must end near its timeout as "timeout"), and bodies that need cleaning.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSender, type Sender } from '../../../lib/delivery/sender';

const TIMEOUT_MS = 300;

let server: http.Server;
let base: string;
let sender: Sender;
const open = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    open.add(res);
    res.on('close', () => open.delete(res));
    if (req.url === '/silent') return; // never answers
    if (req.url === '/trickle') {
      // Headers at once, then a byte every 100 ms: each chunk is within the idle timeout, so
      // only a deadline over the whole attempt ends it.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const interval = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(interval));
      setTimeout(() => { clearInterval(interval); res.end(); }, 5_000);
      return;
    }
    if (req.url === '/empty') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.url === '/nul') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0x6f, 0x00, 0x6b, 0x00]));
      return;
    }
    if (req.url === '/large') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('e'.repeat(100_000));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sender = createSender({ allowPrivateTargets: true });
});

afterAll(async () => {
  await sender.close();
  for (const res of open) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function send(path: string) {
  return sender.send({ url: `${base}${path}`, body: Buffer.from('{}'), headers: { 'content-type': 'application/json' }, timeoutMs: TIMEOUT_MS });
}

describe('sender response excerpt', () => {
  // PostgreSQL text cannot store NUL, so one in an excerpt would make the attempt unstorable.
  it('drops NUL characters', async () => {
    const result = await send('/nul');
    expect(result).toMatchObject({ status: 200, responseExcerpt: 'ok' });
  });

  it('keeps the first 1024 bytes', async () => {
    const result = await send('/large');
    expect(result.status).toBe(500);
    expect(result.responseExcerpt).toBe('e'.repeat(1024));
  });

  it('returns null for an empty body', async () => {
    const result = await send('/empty');
    expect(result.responseExcerpt).toBeNull();
  });
});

describe('sender deadline', () => {
  it('returns status and excerpt', async () => {
    const result = await send('/fast');
    expect(result).toMatchObject({ status: 200, error: null, responseExcerpt: 'ok' });
  });

  it('times out a silent receiver', async () => {
    const result = await send('/silent');
    expect(result.status).toBeNull();
    expect(result.error).toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS * 4);
  });

  it('times out a trickling body', async () => {
    const result = await send('/trickle');
    expect(result.error).toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS * 4);
  });

  it('sends again after timeouts', async () => {
    const result = await send('/fast');
    expect(result.status).toBe(200);
  });
});
