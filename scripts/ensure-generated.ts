import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Generates the Prisma client when it is missing (an install that skipped lifecycle scripts).
 * Generation needs no schema engine, so a stand-in path keeps Prisma from downloading one.
 */
export function ensureGenerated(root: string): void {
  if (existsSync(path.join(root, 'lib', 'db', 'generated', 'client.ts'))) return;
  const result = spawnSync('npx', ['prisma', 'generate'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false' },
  });
  if (result.status !== 0) {
    process.stderr.write('prisma generate failed; see the output above.\n');
    process.exit(result.status ?? 1);
  }
}
