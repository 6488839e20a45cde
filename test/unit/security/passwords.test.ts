import { describe, expect, it } from 'vitest';

import { hashPassword, verifyPassword } from '../../../lib/auth/passwords';

describe('password hashing', () => {
  it('verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts each hash', async () => {
    const first = await hashPassword('the same password');
    const second = await hashPassword('the same password');
    expect(first).not.toBe(second);
  });

  it('treats malformed hashes as no match', async () => {
    for (const stored of ['', 'plain', 'scrypt$1$2$3', 'bcrypt$1$1$1$c2FsdA$aGFzaA', 'scrypt$x$8$1$c2FsdA$aGFzaA', 'scrypt$16$8$1$c2FsdA$']) {
      expect(await verifyPassword('anything at all', stored), stored).toBe(false);
    }
  });
});
