// npm run bench: runs every bench/*.ts file except this one, one after another, in name order.
// Each benchmark prints one JSON object to stdout, which passes through unchanged. Progress
// and the summary go to stderr. Exits 1 when any benchmark failed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const self = path.basename(fileURLToPath(import.meta.url));
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.ts') && name !== self)
  .sort();

const failed: string[] = [];
for (const name of files) {
  process.stderr.write(`bench/${name}: running\n`);
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, name)], {
    cwd: path.dirname(benchDir),
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status === 0) {
    process.stderr.write(`bench/${name}: done in ${seconds} s\n`);
  } else {
    const reason = result.error ? result.error.message : `exit code ${result.status ?? `signal ${result.signal}`}`;
    process.stderr.write(`bench/${name}: failed after ${seconds} s (${reason})\n`);
    failed.push(name);
  }
}

process.stderr.write(`${files.length - failed.length} of ${files.length} benchmarks finished${failed.length > 0 ? `, failed: ${failed.join(', ')}` : ''}\n`);
process.exit(failed.length > 0 ? 1 : 0);
