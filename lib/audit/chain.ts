import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditContent = {
  id: string;
  actor: string;
  action: string;
  targetId: string | null;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: Date;
};

/** JSON with object keys sorted, so a value hashes the same before and after a JSONB round trip. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareKeys(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Compares two object keys by UTF-16 code units, independent of locale. */
function compareKeys(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Computes one entry's hash: SHA-256 over the previous entry's hash and this entry's content. */
export function entryHash(prevHash: string, entry: AuditContent): string {
  const content = canonicalJson({
    id: entry.id,
    actor: entry.actor,
    action: entry.action,
    targetId: entry.targetId,
    reason: entry.reason,
    before: entry.before ?? null,
    after: entry.after ?? null,
    at: entry.at.toISOString(),
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}
