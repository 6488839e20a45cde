import { describe, expect, it } from 'vitest';

import { type Resolver, checkTargetUrl } from '../../../lib/net/target-check';

const resolver: Resolver = async (host) => {
  const table: Record<string, string[]> = {
    'loopback.test': ['127.0.0.1'],
    'rebind.test': ['93.184.215.14', '10.0.0.1'],
    'public.test': ['93.184.215.14'],
  };
  if (!table[host]) throw new Error(`ENOTFOUND ${host}`);
  return table[host];
};

describe('checkTargetUrl', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://localhost/hook',
    'http://metadata.google.internal/computeMetadata',
    'http://loopback.test/hook',
    'http://rebind.test/hook',
  ])('refuses %s', async (url) => {
    const check = await checkTargetUrl(url, { allowPrivate: false, resolve: resolver });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(/private, loopback, link-local or metadata address.*SWITCHYARD_ALLOW_PRIVATE_TARGETS=1/);
  });

  it('accepts a public name', async () => {
    expect(await checkTargetUrl('https://public.test/hook', { allowPrivate: false, resolve: resolver })).toEqual({ ok: true });
  });

  it('refuses a name that does not resolve', async () => {
    const check = await checkTargetUrl('https://missing.test/hook', { allowPrivate: false, resolve: resolver });
    expect(check).toEqual({ ok: false, message: 'host missing.test could not be resolved' });
  });

  it('allows private addresses only when told to', async () => {
    expect(await checkTargetUrl('http://127.0.0.1/hook', { allowPrivate: true, resolve: resolver })).toEqual({ ok: true });
  });
});
