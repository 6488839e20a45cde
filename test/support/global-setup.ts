import { execSync } from 'node:child_process';

import { buildIfNeeded } from '../../scripts/build-if-needed';

/** Makes sure the local PostgreSQL answers and the app is built before any integration test. */
export default function setup(): void {
  try {
    execSync('pg_isready -h 127.0.0.1 -p 5432', { stdio: 'ignore' });
  } catch {
    execSync('pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', { stdio: 'inherit', shell: '/bin/bash' });
  }
  buildIfNeeded(process.cwd());
}
