// Endpoint URLs at private, loopback, link-local and metadata addresses are rejected by the
// real app when SWITCHYARD_ALLOW_PRIVATE_TARGETS is off. The app process resolves names
// through test/support/fake-dns.cjs, so no test here makes a DNS query, and it runs without a
// dispatcher, so nothing is ever sent to the public test address.
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, startApp } from '../../support/app';
import { type TestDatabase, createTestDatabase } from '../../support/database';

const TEST_HOSTS = {
  'loopback.test': '127.0.0.1',
  'metadata.test': '169.254.169.254',
  'private.test': '10.0.0.1',
  'v6-loopback.test': '::1',
  // Documentation range (RFC 5737): public by the address check, never contacted by this test.
  'public.test': '192.0.2.10',
};

const PRIVATE_URLS = [
  'http://127.0.0.1/hook',
  'http://10.0.0.1/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/hook',
  'http://loopback.test/hook',
  'http://metadata.test/hook',
  'http://private.test:8080/hook',
  'http://v6-loopback.test/hook',
  'http://localhost:3000/hook',
];

describe('endpoint URL checks', () => {
  let db: TestDatabase;
  let app: AppInstance;

  beforeAll(async () => {
    db = await createTestDatabase('ssrf');
    app = await startApp({
      databaseUrl: db.url,
      env: {
        SWITCHYARD_ALLOW_PRIVATE_TARGETS: '0',
        SWITCHYARD_DISPATCHER: 'off',
        NODE_OPTIONS: `--require ${path.join(process.cwd(), 'test', 'support', 'fake-dns.cjs')}`,
        SWITCHYARD_TEST_HOSTS: JSON.stringify(TEST_HOSTS),
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it.each(PRIVATE_URLS)('rejects %s with 400', async (url) => {
    const response = await app.api('POST', '/api/v1/endpoints', { name: 'private', url });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.field).toBe('url');
    expect(response.body.error.message).toMatch(/private, loopback, link-local or metadata address/);
    expect(response.body.error.message).toMatch(/SWITCHYARD_ALLOW_PRIVATE_TARGETS=1/);
  });

  it('rejects a private fallback URL', async () => {
    const response = await app.api('POST', '/api/v1/endpoints', { name: 'fallback', url: 'http://public.test/hook', fallbackUrl: 'http://loopback.test/hook' });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('fallbackUrl');
  });

  it('rejects a name that does not resolve', async () => {
    const response = await app.api('POST', '/api/v1/endpoints', { name: 'unknown', url: 'http://unknown.test/hook' });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/could not be resolved/);
  });

  it('accepts a public name and rejects a private PATCH', async () => {
    const created = await app.api('POST', '/api/v1/endpoints', { name: 'public', url: 'https://public.test/hook' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const patched = await app.api('PATCH', `/api/v1/endpoints/${created.body.id}`, { url: 'http://169.254.169.254/latest/meta-data/' });
    expect(patched.status).toBe(400);
    expect(patched.body.error.field).toBe('url');
    const current = await app.api('GET', `/api/v1/endpoints/${created.body.id}`);
    expect(current.body.url).toBe('https://public.test/hook');
  });

  it('stored only the accepted endpoint', async () => {
    const listed = await app.api('GET', '/api/v1/endpoints');
    expect(listed.body.data.map((endpoint: { url: string }) => endpoint.url)).toEqual(['https://public.test/hook']);
  });
});
