// The audit table against a real PostgreSQL: the database rejects rewriting history, the
// verifier finds a direct edit made with the trigger disabled, retention purges only entries
// over 365 days old, and signed exports verify.
import { spawnSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { appendAudit } from '../../../lib/audit/append';
import { GENESIS_HASH, entryHash } from '../../../lib/audit/chain';
import { exportAudit, verifyExportedFile } from '../../../lib/audit/export';
import { RetentionError, purgeAuditEntries } from '../../../lib/audit/retention';
import { verifyAuditChain } from '../../../lib/audit/verify';
import { createPool } from '../../../lib/db/pool';
import { newId } from '../../../lib/ids';
import { type TestDatabase, createTestDatabase } from '../../support/database';

const DAY_MS = 86_400_000;

function runScript(script: string, args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(path.join(process.cwd(), 'node_modules', '.bin', 'tsx'), [path.join('scripts', script), ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Appends a correctly chained entry with a chosen timestamp, as an old entry would have been. */
async function appendAt(db: pg.Pool, at: Date, reason: string): Promise<string> {
  const last = await db.query<{ hash: string }>('SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1');
  const prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  const entry = { id: newId('audit', at.getTime()), actor: 'test', action: 'endpoint.update', targetId: 'ep_old', reason, before: null, after: { n: 1 }, at };
  await db.query(
    `INSERT INTO audit_entries (id, actor, action, target_id, reason, before, after, at, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [entry.id, entry.actor, entry.action, entry.targetId, entry.reason, null, JSON.stringify(entry.after), at, prevHash, entryHash(prevHash, entry)],
  );
  return entry.id;
}

async function expectRejected(db: pg.Pool, sql: string, params: unknown[] = []): Promise<void> {
  const error = await db.query(sql, params).then(
    () => null,
    (caught: Error & { code?: string }) => caught,
  );
  expect(error, sql).not.toBeNull();
  expect(error?.code, sql).toBe('42501');
  expect(error?.message, sql).toMatch(/append-only|cannot be purged/);
}

describe('audit history in the database', () => {
  let database: TestDatabase;
  let db: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('audit_history');
    db = createPool(database.url, 2);
    await db.query(
      `INSERT INTO transitions (id, endpoint_id, from_state, to_state, version, reason, actor, "window", instance_id)
       VALUES ('trn_test', 'ep_test', 'closed', 'open', 1, 'failure_rate', 'system', '{}', 'test')`,
    );
    for (let i = 0; i < 3; i++) await appendAudit(db, { actor: 'test', action: 'endpoint.update', targetId: `ep_${i}` });
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('rejects UPDATE, DELETE and TRUNCATE on transitions', async () => {
    await expectRejected(db, "UPDATE transitions SET reason = 'edited' WHERE id = 'trn_test'");
    await expectRejected(db, "DELETE FROM transitions WHERE id = 'trn_test'");
    await expectRejected(db, 'TRUNCATE transitions');
    const kept = await db.query("SELECT reason FROM transitions WHERE id = 'trn_test'");
    expect(kept.rows).toEqual([{ reason: 'failure_rate' }]);
  });

  it('rejects UPDATE, DELETE and TRUNCATE on audit_entries', async () => {
    await expectRejected(db, "UPDATE audit_entries SET reason = 'edited'");
    await expectRejected(db, 'DELETE FROM audit_entries');
    await expectRejected(db, 'TRUNCATE audit_entries');
    const count = await db.query('SELECT count(*)::int AS n FROM audit_entries');
    expect(count.rows[0].n).toBe(3);
  });

  it('rejects a purge-flagged DELETE of a young entry', async () => {
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query("SET LOCAL switchyard.audit_purge = 'on'");
      const error = await client.query('DELETE FROM audit_entries').then(
        () => null,
        (caught: Error & { code?: string }) => caught,
      );
      expect(error?.message).toMatch(/younger than 365 days/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('audit chain verification', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  const ids: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('audit_verify');
    db = createPool(database.url, 2);
    for (let i = 0; i < 5; i++) {
      ids.push(await appendAudit(db, { actor: 'test', action: 'breaker.override', targetId: `ep_${i}`, reason: `reason ${i}`, after: { i } }));
    }
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('passes on an untouched chain, also from the command', async () => {
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 5, firstBroken: null });
    const command = runScript('audit-verify.ts', [], { DATABASE_URL: database.url });
    expect(command.status, command.stderr).toBe(0);
    expect(JSON.parse(command.stdout)).toEqual({ ok: true, checked: 5, firstBroken: null });
  });

  it('names exactly the entry a superuser edited', async () => {
    const edited = ids[2];
    await db.query('ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only');
    try {
      await db.query("UPDATE audit_entries SET reason = 'quietly changed' WHERE id = $1", [edited]);
    } finally {
      await db.query('ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only');
    }

    const result = await verifyAuditChain(db);
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(2);
    expect(result.firstBroken).toMatchObject({ id: edited, problem: 'hash_mismatch' });

    const command = runScript('audit-verify.ts', [], { DATABASE_URL: database.url });
    expect(command.status).toBe(1);
    expect(JSON.parse(command.stdout).firstBroken.id).toBe(edited);
  });

  it('reports a missing DATABASE_URL from the command', () => {
    const command = runScript('audit-verify.ts', [], { DATABASE_URL: '' });
    expect(command.status).toBe(1);
    expect(command.stderr).toMatch(/DATABASE_URL is not set/);
  });
});

describe('audit retention purge', () => {
  let database: TestDatabase;
  let db: pg.Pool;
  const oldIds: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('audit_purge');
    db = createPool(database.url, 2);
    const now = Date.now();
    for (const days of [400, 390, 380]) oldIds.push(await appendAt(db, new Date(now - days * DAY_MS), `${days} days old`));
    await appendAt(db, new Date(now - 10 * DAY_MS), '10 days old');
    await appendAudit(db, { actor: 'test', action: 'endpoint.update', reason: 'today' });
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('refuses a cutoff younger than 365 days', async () => {
    const client = await db.connect();
    try {
      const before = new Date(Date.now() - 364 * DAY_MS);
      await expect(purgeAuditEntries(client, { before, actor: 'test' })).rejects.toThrow(RetentionError);
      await expect(purgeAuditEntries(client, { before, actor: 'test' })).rejects.toThrow(/at least 365 days/);
    } finally {
      client.release();
    }
    const count = await db.query('SELECT count(*)::int AS n FROM audit_entries');
    expect(count.rows[0].n).toBe(5);
  });

  it('refuses a young cutoff from the command', () => {
    const recent = new Date(Date.now() - 30 * DAY_MS).toISOString().slice(0, 10);
    const command = runScript('audit-purge.ts', ['--before', recent], { DATABASE_URL: database.url });
    expect(command.status).toBe(1);
    expect(command.stderr).toMatch(/at least 365 days/);
  });

  it('purges only entries over 365 days old and keeps the chain verifiable', async () => {
    const client = await db.connect();
    let result;
    try {
      result = await purgeAuditEntries(client, { before: new Date(Date.now() - 365 * DAY_MS), actor: 'test' });
    } finally {
      client.release();
    }
    expect(result.purged).toBe(3);

    const left = await db.query<{ id: string; reason: string | null; action: string }>('SELECT id, reason, action FROM audit_entries ORDER BY seq');
    expect(left.rows.map((row) => row.reason)).toEqual(['10 days old', 'today', null]);
    expect(left.rows[2].action).toBe('audit.purge');
    expect(left.rows.some((row) => oldIds.includes(row.id))).toBe(false);

    const checkpoint = await db.query('SELECT purged_count FROM audit_checkpoints');
    expect(checkpoint.rows).toEqual([{ purged_count: 3 }]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 3 });
    await expectRejected(db, 'DELETE FROM audit_checkpoints');
  });

  it('chains new entries after a purge', async () => {
    await appendAudit(db, { actor: 'test', action: 'endpoint.update', reason: 'after purge' });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 4 });
  });
});

describe('signed audit export', () => {
  let database: TestDatabase;
  let db: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('audit_export');
    db = createPool(database.url, 2);
    for (let i = 0; i < 5; i++) await appendAudit(db, { actor: 'test', action: 'source.create', targetId: `src_${i}`, after: { i, note: 'ünïcode' } });
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('writes JSON Lines files whose Ed25519 signatures verify', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'sy-audit-export-'));
    const { privateKey } = generateKeyPairSync('ed25519');
    const result = await exportAudit(db, { outDir, privateKey, maxLines: 2 });

    expect(result.files.map((file) => file.entries)).toEqual([2, 2, 1]);
    const publicKey = readFileSync(result.publicKey, 'utf8');
    for (const file of result.files) {
      expect(await verifyExportedFile(path.join(outDir, file.file), publicKey), file.file).toBe(true);
    }

    // The lines carry everything needed to recompute the chain offline.
    const lines = result.files.flatMap((file) => readFileSync(path.join(outDir, file.file), 'utf8').trim().split('\n').map((line) => JSON.parse(line)));
    let prevHash = GENESIS_HASH;
    for (const line of lines) {
      expect(line.prevHash).toBe(prevHash);
      expect(entryHash(prevHash, { ...line, at: new Date(line.at) })).toBe(line.hash);
      prevHash = line.hash;
    }
    const manifest = JSON.parse(readFileSync(result.manifest!, 'utf8'));
    expect(manifest.algorithm).toBe('Ed25519');
    expect(manifest.files).toHaveLength(3);
  });

  it('detects a changed byte', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'sy-audit-export-'));
    const { privateKey } = generateKeyPairSync('ed25519');
    const result = await exportAudit(db, { outDir, privateKey });
    const file = path.join(outDir, result.files[0].file);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('src_3', 'src_4'));
    expect(await verifyExportedFile(file, readFileSync(result.publicKey, 'utf8'))).toBe(false);
  });

  it('exports from the command with the configured key', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'sy-audit-export-'));
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const command = runScript('audit-export.ts', ['--out', outDir], {
      DATABASE_URL: database.url,
      SWITCHYARD_AUDIT_SIGNING_KEY: pem,
      SWITCHYARD_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'sy-data-')),
    });
    expect(command.status, command.stderr).toBe(0);
    const names = readdirSync(outDir).sort();
    expect(names.filter((name) => name.endsWith('.jsonl'))).toHaveLength(1);
    expect(names).toContain('audit-signing-key.pub.pem');
    const jsonl = names.find((name) => name.endsWith('.jsonl'))!;
    expect(names).toContain(`${jsonl}.sig`);
    const publicKey = readFileSync(path.join(outDir, 'audit-signing-key.pub.pem'), 'utf8');
    expect(await verifyExportedFile(path.join(outDir, jsonl), publicKey)).toBe(true);
    // The exported public key belongs to the configured private key.
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('ed25519');
  });
});
