import { type ChildProcess, spawn } from 'node:child_process';
import { isIP } from 'node:net';
import path from 'node:path';

import { buildIfNeeded } from './build-if-needed';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-db';
import { ensureGenerated } from './ensure-generated';

export type Launched = { url: string; dataDir: string; server: ChildProcess; stop: () => Promise<void> };

/**
 * Builds if needed, starts the embedded database when DATABASE_URL is unset, then serves the
 * gateway and console with `next start`. Migrations run inside the server at start. Signals
 * to this process are passed on to the server, and the embedded database stops after it.
 */
export async function launch(extraEnv: Record<string, string> = {}): Promise<Launched> {
  const root = process.cwd();
  const port = process.env.PORT ?? '3000';
  // Containers export HOSTNAME as the machine's name. Only an IP address or "localhost" is
  // taken as the listen address, so the server never binds beyond loopback by accident.
  const requestedHost = process.env.HOSTNAME ?? '';
  const hostname = isIP(requestedHost) || requestedHost === 'localhost' ? requestedHost : '127.0.0.1';
  const dataDir = path.resolve(process.env.SWITCHYARD_DATA_DIR ?? '.switchyard');

  ensureGenerated(root);
  buildIfNeeded(root);

  let embedded: EmbeddedDatabase | null = null;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...extraEnv,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    // Switchyard's own handler drains the dispatcher on SIGTERM before the process exits.
    NEXT_MANUAL_SIG_HANDLE: 'true',
    PORT: port,
    HOSTNAME: hostname,
    SWITCHYARD_DATA_DIR: dataDir,
  };
  if (!process.env.DATABASE_URL) {
    embedded = await startEmbeddedDatabase(dataDir);
    env.DATABASE_URL = embedded.url;
    env.SWITCHYARD_EMBEDDED = '1';
    process.stdout.write(`Using the embedded database in ${path.join(dataDir, 'pgdata')} (set DATABASE_URL to use PostgreSQL).\n`);
  }

  const server = spawn(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', port, '-H', hostname], {
    cwd: root,
    env,
    stdio: 'inherit',
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    }).then(async () => {
      await embedded?.stop().catch(() => {});
    });
    return stopping;
  };
  return { url: `http://${hostname}:${port}`, dataDir, server, stop };
}
