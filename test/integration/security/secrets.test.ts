// Source and endpoint secrets are stored as ciphertext, and an app started with a different
// SWITCHYARD_ENCRYPTION_KEY over the same database stops at start with a message naming it.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type AppInstance, TEST_ADMIN_TOKEN, freePort, startApp } from '../../support/app';
import { type TestDatabase, createTestDatabase } from '../../support/database';

const SECRETS = {
  github: 'plain-github-secret-7f3a9c',
  hmac: 'plain-hmac-secret-4d2e8b',
  stripe: 'whsec_plainstripesecret51c0',
  standard: 'whsec_c3RhbmRhcmQtd2ViaG9va3Mtc2VjcmV0LTk4MjE=',
};

/** Starts `next start` on the built app and waits for it to exit; fails after 60 s. */
async function startExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(process.cwd(), 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      SWITCHYARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'sy-data-')),
      SWITCHYARD_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, output };
}

describe('secrets at rest', () => {
  let db: TestDatabase;
  let app: AppInstance;
  let endpointSecret: string;

  beforeAll(async () => {
    db = await createTestDatabase('secrets');
    app = await startApp({ databaseUrl: db.url });
    const sources = [
      { name: 'gh', scheme: 'github', secrets: [SECRETS.github] },
      { name: 'mac', scheme: 'hmac-sha256', secrets: [SECRETS.hmac] },
      { name: 'st', scheme: 'stripe', secrets: [SECRETS.stripe] },
      { name: 'sw', scheme: 'standard-webhooks', secrets: [SECRETS.standard] },
    ];
    for (const source of sources) {
      const created = await app.api('POST', '/api/v1/sources', source);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    const endpoint = await app.api('POST', '/api/v1/endpoints', { name: 'secret-ep', url: 'http://127.0.0.1:9/hook' });
    endpointSecret = endpoint.body.signingSecret;
    expect(endpointSecret).toMatch(/^whsec_/);
    await app.stop();
  });

  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('stores source and endpoint secrets as ciphertext', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const stored = await client.query<{ value: string }>('SELECT secrets AS value FROM sources UNION ALL SELECT signing_secret FROM endpoints');
      expect(stored.rows).toHaveLength(5);
      const plaintexts = [...Object.values(SECRETS), endpointSecret];
      for (const { value } of stored.rows) {
        expect(value).toMatch(/^v1:[A-Za-z0-9_-]+$/);
        for (const secret of plaintexts) {
          expect(value).not.toContain(secret);
          expect(value).not.toContain(secret.replace(/^whsec_/, ''));
          expect(value).not.toContain(Buffer.from(secret).toString('base64url'));
        }
      }

      // No other table has a copy: the audit entries record counts, not the secrets.
      const everything = await client.query<{ text: string }>(
        `SELECT string_agg(t::text, ' ') AS text FROM (
           SELECT row_to_json(a)::text AS t FROM audit_entries a
           UNION ALL SELECT row_to_json(s)::text FROM sources s
           UNION ALL SELECT row_to_json(e)::text FROM endpoints e) rows`,
      );
      for (const secret of plaintexts) expect(everything.rows[0].text).not.toContain(secret);
    } finally {
      await client.end();
    }
  });

  it('fails at start with a different encryption key', async () => {
    const result = await startExpectingExit({ DATABASE_URL: db.url, SWITCHYARD_ENCRYPTION_KEY: '7e'.repeat(32) });
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.output).toMatch(/SWITCHYARD_ENCRYPTION_KEY is not the key it was written with/);
  });

  it('fails at start with a malformed encryption key', async () => {
    const result = await startExpectingExit({ DATABASE_URL: db.url, SWITCHYARD_ENCRYPTION_KEY: 'too-short' });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/SWITCHYARD_ENCRYPTION_KEY must be 32 bytes/);
  });

  it('starts again with the original key', async () => {
    app = await startApp({ databaseUrl: db.url });
    const sources = await app.api('GET', '/api/v1/sources');
    expect(sources.status).toBe(200);
    expect(JSON.stringify(sources.body)).not.toContain(SECRETS.github);
  });
});
