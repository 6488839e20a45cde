import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedRequest = {
  at: number;
  finishedAt: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  status: number;
};

export type Reply = { status: number; delayMs?: number; headers?: Record<string, string>; body?: string };

/** Decides the reply to each request; receives the request number (from 1) and the request. */
export type Behaviour = (n: number, request: { headers: http.IncomingHttpHeaders; body: Buffer }) => Reply;

export type Receiver = {
  url: string;
  log: ReceivedRequest[];
  inFlight: () => number;
  maxInFlight: () => number;
  setBehaviour: (behaviour: Behaviour) => void;
  close: () => Promise<void>;
};

/** A real HTTP receiver on 127.0.0.1 that logs every request and replies as scripted. */
export async function startReceiver(initial: Behaviour = () => ({ status: 200 })): Promise<Receiver> {
  let behaviour = initial;
  let count = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const log: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const at = Date.now();
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const reply = behaviour(++count, { headers: req.headers, body });
      const finish = (): void => {
        inFlight--;
        log.push({ at, finishedAt: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, status: reply.status });
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...(reply.headers ?? {}) });
        res.end(reply.body ?? 'ok');
      };
      if (reply.delayMs) setTimeout(finish, reply.delayMs);
      else finish();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    log,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    setBehaviour: (next) => {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
