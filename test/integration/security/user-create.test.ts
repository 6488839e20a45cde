// npm run user:create against a fresh database: the way to create the first admin user.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { verifyPassword } from '../../../lib/auth/passwords';
import { type TestDatabase, createTestDatabase } from '../../support/database';

function userCreate(args: string[], env: Record<string, string>, input?: string) {
  const result = spawnSync(path.join(process.cwd(), 'node_modules', '.bin', 'tsx'), [path.join('scripts', 'user-create.ts'), ...args], {
    cwd: process.cwd(),
    env: { ...process.env, SWITCHYARD_USER_PASSWORD: '', ...env },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('user:create command', () => {
  let db: TestDatabase;
  let sql: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('user_create');
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it('creates an admin with the password from the environment', async () => {
    const result = userCreate(['--email', 'First@Example.com', '--role', 'admin'], { DATABASE_URL: db.url, SWITCHYARD_USER_PASSWORD: 'first admin passphrase' });
    expect(result.status, result.stderr).toBe(0);
    const user = JSON.parse(result.stdout);
    expect(user.id).toMatch(/^usr_/);
    expect(user.email).toBe('first@example.com');
    expect(user.role).toBe('admin');

    const stored = await sql.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(await verifyPassword('first admin passphrase', stored.rows[0].password_hash)).toBe(true);
    const audit = await sql.query<{ actor: string }>("SELECT actor FROM audit_entries WHERE action = 'user.create' AND target_id = $1", [user.id]);
    expect(audit.rows).toEqual([{ actor: 'cli:user-create' }]);
  });

  it('reads the password from standard input', async () => {
    const result = userCreate(['--email', 'second@example.com', '--role', 'viewer'], { DATABASE_URL: db.url }, 'password from stdin\nignored line\n');
    expect(result.status, result.stderr).toBe(0);
    const stored = await sql.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE email = 'second@example.com'");
    expect(await verifyPassword('password from stdin', stored.rows[0].password_hash)).toBe(true);
  });

  it('rejects a short password', () => {
    const result = userCreate(['--email', 'short@example.com', '--role', 'admin'], { DATABASE_URL: db.url, SWITCHYARD_USER_PASSWORD: 'too short' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/password: must be at least 12 characters/);
  });

  it('rejects a taken email', () => {
    const result = userCreate(['--email', 'first@example.com', '--role', 'admin'], { DATABASE_URL: db.url, SWITCHYARD_USER_PASSWORD: 'another passphrase' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/already exists/);
  });

  it('prints usage without --email or --role', () => {
    const result = userCreate(['--email', 'x@example.com'], { DATABASE_URL: db.url, SWITCHYARD_USER_PASSWORD: 'long enough password' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/usage: npm run user:create/);
  });
});
