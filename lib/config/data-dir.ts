import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

import { config } from './env';

/**
 * Reads a generated secret from the data folder, creating it on first use. Used for the
 * admin token and the encryption key when the environment does not set them; the file is
 * readable by the owner only.
 */
export function readOrCreateSecret(fileName: string, create: () => string): { value: string; created: boolean } {
  const dir = config().dataDir;
  const file = path.join(dir, fileName);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const value = create();
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return { value, created: true };
  } catch (error) {
    // Another process of this data folder created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return { value: readFileSync(file, 'utf8').trim(), created: false };
    }
    throw error;
  }
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
