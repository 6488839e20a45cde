// npm test: every test — unit, integration (PostgreSQL at DATABASE_URL, default the local
// server) and end to end in Chromium — then one summary line "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { ensureGenerated } from './ensure-generated';

const root = process.cwd();
ensureGenerated(root);

if (!existsSync('/usr/bin/chromium')) {
  process.stderr.write('Chromium is missing at /usr/bin/chromium; the end-to-end tests need it: apt-get install -y chromium\n');
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    spawnSync('bash', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'], { stdio: 'inherit' });
  }
}

const resultsDir = path.join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const jsonFile = path.join(resultsDir, 'vitest.json');
const extra = process.argv.slice(2);
const run = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--no-file-parallelism', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...extra],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
);

let summary = 'no test results were written';
if (existsSync(jsonFile)) {
  const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`;
}
process.stdout.write(`\nTests: ${summary}\n`);
process.exit(run.status ?? 1);
