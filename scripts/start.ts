// npm start: builds if needed, starts the embedded database when DATABASE_URL is unset, then
// serves the gateway and console with `next start`. Migrations run inside the server at start.
import { spawn } from 'node:child_process';
import { isIP } from 'node:net';
import path from 'node:path';

import { buildIfNeeded } from './build-if-needed';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-db';

const root = process.cwd();
const port = process.env.PORT ?? '3000';
// Containers export HOSTNAME as the machine's name; only an IP address or "localhost" is taken
// as the listen address, so the server never binds beyond loopback by accident.
const requestedHost = process.env.HOSTNAME ?? '';
const hostname = isIP(requestedHost) || requestedHost === 'localhost' ? requestedHost : '127.0.0.1';
const dataDir = path.resolve(process.env.SWITCHYARD_DATA_DIR ?? '.switchyard');

async function main(): Promise<void> {
  buildIfNeeded(root);

  let embedded: EmbeddedDatabase | null = null;
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', PORT: port, HOSTNAME: hostname, SWITCHYARD_DATA_DIR: dataDir };
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
  process.stdout.write(`Switchyard listening on http://${hostname}:${port}\n`);

  const forward = (signal: NodeJS.Signals): void => {
    server.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);

  server.on('exit', (code, signal) => {
    const finish = embedded ? embedded.stop() : Promise.resolve();
    void finish.finally(() => process.exit(code ?? (signal ? 0 : 1)));
  });
}

main().catch((error) => {
  process.stderr.write(`Switchyard could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
