// npm run demo: the gateway and console, three demo receivers on 127.0.0.1 and a producer of
// signed events. The receivers are healthy, slow, and one that fails for 40 s of every 2 minutes,
// so a breaker trips, probes and closes in the console within two minutes of start.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { readOrCreateSecret, randomToken } from '../lib/config/data-dir';
import { signGithub } from '../lib/ingest/sign';
import { launch } from './launch';

const SOURCE_NAME = 'demo';
const SOURCE_SECRET = 'demo-github-secret';
const FLAKY_CYCLE_MS = 120_000;
const FLAKY_FAILING_FROM_MS = 15_000;
const FLAKY_FAILING_UNTIL_MS = 55_000;
// Knobs sized for a demo: a 20 s window, 5 calls decide, 10 s open before probing.
const DEMO_BREAKER = { windowSeconds: 20, bucketSeconds: 2, minVolume: 5, resetTimeoutMs: 10_000, successThreshold: 2, probeIntervalMs: 1000, rampUpMs: 10_000 };

type Receiver = { name: string; url: string; close: () => void };

function startReceiver(name: string, reply: (res: http.ServerResponse) => void): Promise<Receiver> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => reply(res));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ name, url: `http://127.0.0.1:${port}/webhooks`, close: () => server.close() });
    }),
  );
}

async function api<T>(base: string, token: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(base + route, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function waitHealthy(base: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the server did not become healthy within 2 minutes');
}

async function main(): Promise<void> {
  const started = Date.now();
  const receivers = await Promise.all([
    startReceiver('demo-healthy', (res) => res.writeHead(200).end('ok')),
    startReceiver('demo-slow', (res) => setTimeout(() => res.writeHead(200).end('ok'), 300 + Math.random() * 900)),
    startReceiver('demo-flaky', (res) => {
      const phase = (Date.now() - started) % FLAKY_CYCLE_MS;
      const failing = phase >= FLAKY_FAILING_FROM_MS && phase < FLAKY_FAILING_UNTIL_MS;
      res.writeHead(failing ? 503 : 200).end(failing ? 'maintenance' : 'ok');
    }),
  ]);

  const dataDir = process.env.SWITCHYARD_DATA_DIR ?? '.switchyard';
  process.env.SWITCHYARD_DATA_DIR = dataDir;
  const token = process.env.SWITCHYARD_ADMIN_TOKEN ?? readOrCreateSecret('admin.token', () => `sy_admin_${randomToken(24)}`).value;
  const app = await launch({ SWITCHYARD_ALLOW_PRIVATE_TARGETS: '1' });
  const shutdown = (): void => {
    receivers.forEach((r) => r.close());
    void app.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await waitHealthy(app.url);

  type Source = { id: string; name: string };
  type Endpoint = { id: string; name: string };
  const sources = await api<{ data: Source[] }>(app.url, token, 'GET', '/api/v1/sources');
  let source = sources.body.data.find((s) => s.name === SOURCE_NAME);
  if (!source) {
    source = (await api<Source>(app.url, token, 'POST', '/api/v1/sources', { name: SOURCE_NAME, scheme: 'github', secrets: [SOURCE_SECRET] })).body;
  }
  const existing = (await api<{ data: Endpoint[] }>(app.url, token, 'GET', '/api/v1/endpoints?limit=500')).body.data;
  for (const receiver of receivers) {
    let endpoint = existing.find((e) => e.name === receiver.name);
    if (endpoint) {
      // Receivers get new ports on every run: point the stored endpoint at this run's one.
      await api(app.url, token, 'PATCH', `/api/v1/endpoints/${endpoint.id}`, { url: receiver.url });
    } else {
      endpoint = (await api<Endpoint>(app.url, token, 'POST', '/api/v1/endpoints', { name: receiver.name, url: receiver.url, breaker: DEMO_BREAKER })).body;
      await api(app.url, token, 'POST', '/api/v1/subscriptions', { sourceId: source.id, endpointId: endpoint.id });
    }
  }

  process.stdout.write(
    `\nDemo running. Console: ${app.url}/login?token=${encodeURIComponent(token)}\n` +
      `demo-flaky fails from ${FLAKY_FAILING_FROM_MS / 1000} s to ${FLAKY_FAILING_UNTIL_MS / 1000} s of every ${FLAKY_CYCLE_MS / 1000} s: watch its breaker open, probe and close.\n\n`,
  );

  let n = 0;
  const produce = async (): Promise<void> => {
    // Two events a second keep every window above the demo's minimum volume.
    for (let i = 0; i < 2; i++) {
      const body = JSON.stringify({ action: 'demo.tick', n: ++n, at: new Date().toISOString() });
      await fetch(`${app.url}/api/v1/ingest/${SOURCE_NAME}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'demo', 'x-github-delivery': `demo-${started}-${n}`, 'x-hub-signature-256': signGithub(body, SOURCE_SECRET) },
        body,
      }).catch(() => undefined);
    }
  };
  const timer = setInterval(() => void produce(), 1000);
  app.server.once('exit', () => {
    clearInterval(timer);
    receivers.forEach((r) => r.close());
    process.exit(0);
  });
}

main().catch((error) => {
  process.stderr.write(`The demo could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
