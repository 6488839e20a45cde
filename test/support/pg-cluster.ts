import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

import { freePort } from './app';

export type PgCluster = { url: string; restart: () => void; drop: () => void };

function version(): string {
  return readdirSync('/etc/postgresql').sort().at(-1)!;
}

function ctl(...args: string[]): void {
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...args], { stdio: 'ignore' });
}

/**
 * Creates and starts a throwaway PostgreSQL cluster on a free loopback port, with trust
 * authentication, so a test can restart a real server without disturbing the shared one.
 */
export async function createPgCluster(name: string): Promise<PgCluster> {
  const port = await freePort();
  const v = version();
  execFileSync('pg_createcluster', [v, name, '-p', String(port), '--start-conf', 'manual', '--', '--auth=trust'], { stdio: 'ignore' });
  execFileSync('bash', ['-c', `echo "listen_addresses = '127.0.0.1'" >> /etc/postgresql/${v}/${name}/postgresql.conf; echo "max_connections = 200" >> /etc/postgresql/${v}/${name}/postgresql.conf`]);
  ctl(v, name, 'start');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    restart: () => ctl(v, name, 'restart', '-m', 'fast'),
    drop: () => execFileSync('pg_dropcluster', [v, name, '--stop'], { stdio: 'ignore' }),
  };
}
