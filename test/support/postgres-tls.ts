import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, statSync } from 'node:fs';
import path from 'node:path';

import pg from 'pg';

const CERT_FILE = 'switchyard-test-server.crt';
const KEY_FILE = 'switchyard-test-server.key';

async function acceptsTls(adminUrl: string): Promise<boolean> {
  const probe = new pg.Client({ connectionString: adminUrl, ssl: { rejectUnauthorized: false } });
  try {
    await probe.connect();
    return true;
  } catch {
    return false;
  } finally {
    await probe.end().catch(() => {});
  }
}

/**
 * Makes sure the local PostgreSQL server at `adminUrl` accepts TLS. When it does not, this
 * writes a new self-signed certificate and key into the server's data directory (owned by the
 * server's user, key mode 0600), turns `ssl` on with ALTER SYSTEM and reloads. It needs a
 * superuser connection and write access to the data directory (root on the test machines).
 * Plaintext clients keep working, because pg_hba `host` lines accept both.
 */
export async function ensureServerTls(adminUrl: string): Promise<void> {
  if (await acceptsTls(adminUrl)) return;

  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const dataDir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0].data_directory;
    const owner = statSync(dataDir);
    const keyPath = path.join(dataDir, KEY_FILE);
    const certPath = path.join(dataDir, CERT_FILE);
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', '/CN=localhost', '-keyout', keyPath, '-out', certPath],
      { stdio: 'ignore' },
    );
    chmodSync(keyPath, 0o600);
    chownSync(keyPath, owner.uid, owner.gid);
    chownSync(certPath, owner.uid, owner.gid);
    await client.query(`ALTER SYSTEM SET ssl_cert_file = '${CERT_FILE}'`);
    await client.query(`ALTER SYSTEM SET ssl_key_file = '${KEY_FILE}'`);
    await client.query('ALTER SYSTEM SET ssl = on');
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }

  // The reload is asynchronous: wait until a new session can negotiate TLS.
  const deadline = Date.now() + 10_000;
  while (!(await acceptsTls(adminUrl))) {
    if (Date.now() > deadline) throw new Error('PostgreSQL still rejects TLS 10 s after the reload; check its log for the certificate error.');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
