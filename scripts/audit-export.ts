// npm run audit:export -- --out DIR [--after-seq N] [--max-lines N]
// Writes the audit entries of DATABASE_URL to DIR as JSON Lines files, each with a detached
// Ed25519 signature, for write-once storage. The private key is SWITCHYARD_AUDIT_SIGNING_KEY
// (PKCS#8 PEM) or, when unset, one generated into the data folder on first use.
import { createPrivateKey } from 'node:crypto';
import { parseArgs } from 'node:util';

import { exportAudit, generateSigningKey } from '../lib/audit/export';
import { readOrCreateSecret } from '../lib/config/data-dir';
import { connectScriptClient, runScript } from './db-client';

const USAGE = 'usage: npm run audit:export -- --out DIR [--after-seq N] [--max-lines N]';

function nonNegativeInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number ≥ 0, not ${value}.\n${USAGE}`);
  return parsed;
}

runScript(async () => {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'after-seq': { type: 'string' }, 'max-lines': { type: 'string' } },
    strict: true,
  });
  if (!values.out) throw new Error(USAGE);
  const maxLines = nonNegativeInteger('max-lines', values['max-lines'], 10_000);
  if (maxLines === 0) throw new Error(`--max-lines must be at least 1.\n${USAGE}`);

  const pem = process.env.SWITCHYARD_AUDIT_SIGNING_KEY || readOrCreateSecret('audit-signing.key', generateSigningKey).value;
  let privateKey;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error('SWITCHYARD_AUDIT_SIGNING_KEY must be an Ed25519 private key in PKCS#8 PEM form.');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`SWITCHYARD_AUDIT_SIGNING_KEY must be an Ed25519 key, not ${privateKey.asymmetricKeyType}.`);
  }

  const { client, close } = await connectScriptClient();
  try {
    const result = await exportAudit(client, {
      outDir: values.out,
      privateKey,
      afterSeq: nonNegativeInteger('after-seq', values['after-seq'], 0),
      maxLines,
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await close();
  }
});
