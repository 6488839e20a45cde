// The sender's own SSRF check, with an injected resolver: no test here makes a DNS look-up,
// and the only packets sent go to a receiver on 127.0.0.1 when private targets are allowed.
import type { LookupAddress } from 'node:dns';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AddressResolver, PrivateTargetError, createSender, resolvingLookup } from '../../../lib/delivery/sender';
import { type Receiver, startReceiver } from '../../support/receiver';

const HOSTS: Record<string, LookupAddress[]> = {
  'loopback.test': [{ address: '127.0.0.1', family: 4 }],
  'private.test': [{ address: '10.0.0.1', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'v6-loopback.test': [{ address: '::1', family: 6 }],
  'mixed.test': [
    { address: '93.184.215.14', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
  'public.test': [{ address: '93.184.215.14', family: 4 }],
};

function fakeResolver(asked: string[]): AddressResolver {
  return async (hostname) => {
    asked.push(hostname);
    const addresses = HOSTS[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses;
  };
}

function lookupOnce(resolve: AddressResolver, hostname: string): Promise<{ error: Error | null; address: unknown }> {
  return new Promise((done) => resolvingLookup(resolve)(hostname, {}, (error, address) => done({ error, address })));
}

describe('sender connect-time lookup', () => {
  it.each(['loopback.test', 'private.test', 'metadata.test', 'v6-loopback.test', 'mixed.test'])('refuses %s', async (host) => {
    const { error } = await lookupOnce(fakeResolver([]), host);
    expect(error).toBeInstanceOf(PrivateTargetError);
    expect(error?.message).toMatch(/resolves to private address/);
  });

  it('passes a public address through', async () => {
    const { error, address } = await lookupOnce(fakeResolver([]), 'public.test');
    expect(error).toBeNull();
    expect(address).toBe('93.184.215.14');
  });

  it('passes resolver errors through', async () => {
    const { error } = await lookupOnce(fakeResolver([]), 'missing.test');
    expect((error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});

describe('sender with private targets refused', () => {
  let receiver: Receiver;
  const asked: string[] = [];
  const sender = createSender({ allowPrivateTargets: false, resolve: fakeResolver(asked) });
  const port = (): string => new URL(receiver.url).port;

  beforeAll(async () => {
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await sender.close();
    await receiver.close();
  });

  const send = (url: string) => sender.send({ url, body: new TextEncoder().encode('{}'), headers: { 'content-type': 'application/json' }, timeoutMs: 2_000 });

  it.each(['127.0.0.1', '10.0.0.1', '169.254.169.254', '[::1]'])('refuses the literal %s before connecting', async (host) => {
    const result = await send(`http://${host}:${port()}/hook`);
    expect(result.error).toBe('refused_target');
    expect(result.status).toBeNull();
  });

  it('refuses a name that resolves to loopback', async () => {
    const result = await send(`http://loopback.test:${port()}/hook`);
    expect(result.error).toBe('refused_target');
    expect(result.errorMessage).toMatch(/loopback\.test resolves to private address 127\.0\.0\.1/);
    expect(asked).toContain('loopback.test');
  });

  it('sent nothing to the receiver', () => {
    expect(receiver.log).toHaveLength(0);
  });
});

describe('sender with private targets allowed', () => {
  it('uses the injected resolver to connect', async () => {
    const receiver = await startReceiver();
    const asked: string[] = [];
    const sender = createSender({ allowPrivateTargets: true, resolve: fakeResolver(asked) });
    try {
      const result = await sender.send({
        url: `http://loopback.test:${new URL(receiver.url).port}/hook`,
        body: new TextEncoder().encode('{}'),
        headers: {},
        timeoutMs: 2_000,
      });
      expect(result.status).toBe(200);
      expect(asked).toEqual(['loopback.test']);
      expect(receiver.log).toHaveLength(1);
    } finally {
      await sender.close();
      await receiver.close();
    }
  });
});
