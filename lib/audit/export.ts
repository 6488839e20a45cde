import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Db } from '../db/tx';
import { type AuditRow, readAuditPage } from './rows';
import { canonicalJson } from './chain';

// Exports are signed with Ed25519 (RFC 8032): the private key stays with Switchyard and anyone
// holding the public key can check a file, without being able to forge one. Each .sig file
// contains the raw 64-byte signature over the exact bytes of its .jsonl file.

export type ExportedFile = {
  file: string;
  signature: string;
  sha256: string;
  entries: number;
  firstSeq: number;
  lastSeq: number;
  firstPrevHash: string;
  lastHash: string;
};

export type ExportResult = { files: ExportedFile[]; publicKey: string; manifest: string | null };

/** Creates a new Ed25519 private key as PKCS#8 PEM, for SWITCHYARD_AUDIT_SIGNING_KEY. */
export function generateSigningKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function toLine(row: AuditRow): string {
  return canonicalJson({
    id: row.id,
    seq: Number(row.seq),
    actor: row.actor,
    action: row.action,
    targetId: row.target_id,
    reason: row.reason,
    before: row.before,
    after: row.after,
    at: row.at.toISOString(),
    prevHash: row.prev_hash,
    hash: row.hash,
  });
}

/**
 * Writes the audit entries after `afterSeq` to `outDir` as JSON Lines files of at most
 * `maxLines` entries (`audit-<firstSeq>-<lastSeq>.jsonl`, keys sorted), each with a detached
 * Ed25519 signature (`.jsonl.sig`). Also writes the public key (`audit-signing-key.pub.pem`)
 * and, when there was anything to export, a `manifest-<lastSeq>.json` listing each file's
 * SHA-256, sequence range and chain hashes. Files are created exclusively, so an export never
 * overwrites an earlier one.
 */
export async function exportAudit(
  db: Db,
  options: { outDir: string; privateKey: KeyObject; afterSeq?: number; maxLines?: number },
): Promise<ExportResult> {
  const maxLines = options.maxLines ?? 10_000;
  await mkdir(options.outDir, { recursive: true });
  const publicKey = createPublicKey(options.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const publicKeyFile = path.join(options.outDir, 'audit-signing-key.pub.pem');
  await writeFile(publicKeyFile, publicKey);

  const files: ExportedFile[] = [];
  let afterSeq = options.afterSeq ?? 0;
  for (;;) {
    const rows = await readAuditPage(db, afterSeq, maxLines);
    if (rows.length === 0) break;
    const first = rows[0];
    const last = rows[rows.length - 1];
    const bytes = Buffer.from(rows.map((row) => `${toLine(row)}\n`).join(''), 'utf8');
    const name = `audit-${String(first.seq).padStart(12, '0')}-${String(last.seq).padStart(12, '0')}.jsonl`;
    const file = path.join(options.outDir, name);
    await writeFile(file, bytes, { flag: 'wx' });
    await writeFile(`${file}.sig`, sign(null, bytes, options.privateKey), { flag: 'wx' });
    files.push({
      file: name,
      signature: `${name}.sig`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      entries: rows.length,
      firstSeq: Number(first.seq),
      lastSeq: Number(last.seq),
      firstPrevHash: first.prev_hash,
      lastHash: last.hash,
    });
    afterSeq = Number(last.seq);
    if (rows.length < maxLines) break;
  }

  if (files.length === 0) return { files, publicKey: publicKeyFile, manifest: null };
  const manifest = path.join(options.outDir, `manifest-${String(afterSeq).padStart(12, '0')}.json`);
  const manifestBody = JSON.stringify({ algorithm: 'Ed25519', exportedAt: new Date().toISOString(), files }, null, 2);
  await writeFile(manifest, `${manifestBody}\n`, { flag: 'wx' });
  return { files, publicKey: publicKeyFile, manifest };
}

/** Checks a detached Ed25519 signature of an exported file against a PEM public key. */
export async function verifyExportedFile(file: string, publicKeyPem: string): Promise<boolean> {
  const [bytes, signature] = await Promise.all([readFile(file), readFile(`${file}.sig`)]);
  return verify(null, bytes, createPublicKey(publicKeyPem), signature);
}
