import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const TEST_ADMIN_TOKEN = 'sy_test_admin_token_0123456789abcdef';
export const TEST_ENCRYPTION_KEY = '4f'.repeat(32);

export type AppInstance = {
  url: string;
  port: number;
  instanceId: string;
  process: ChildProcess;
  output: () => string;
  api: <T = any>(method: string, route: string, body?: unknown, token?: string) => Promise<{ status: number; body: T; headers: Headers }>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts one real app instance (`next start` on the built app) against `databaseUrl`, on a free
 * loopback port, and waits until /api/health returns 200.
 */
export async function startApp(options: { databaseUrl: string; instanceId?: string; env?: Record<string, string> }): Promise<AppInstance> {
  const port = await freePort();
  const instanceId = options.instanceId ?? `test-${port}`;
  const root = process.cwd();
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_MANUAL_SIG_HANDLE: 'true',
      DATABASE_URL: options.databaseUrl,
      SWITCHYARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      SWITCHYARD_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      SWITCHYARD_ALLOW_PRIVATE_TARGETS: '1',
      SWITCHYARD_INSTANCE_ID: instanceId,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'sy-data-')),
      SWITCHYARD_POLL_MS: '50',
      SWITCHYARD_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;

  const api: AppInstance['api'] = async (method, route, body, token = TEST_ADMIN_TOKEN) => {
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) payload = JSON.stringify(body);
    const response = await fetch(url + route, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: payload,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Non-JSON replies (metrics) stay text.
    }
    return { status: response.status, body: parsed as never, headers: response.headers };
  };

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited during start:\n${output}`);
    try {
      const health = await fetch(`${url}/api/health`);
      if (health.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app did not become healthy within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    port,
    instanceId,
    process: child,
    output: () => output,
    api,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
