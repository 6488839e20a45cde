import type { Db } from '../db/tx';
import { newId } from '../ids';
import { GENESIS_HASH, entryHash } from './chain';

// Serialises appends so each entry chains onto the one before it, across instances.
const AUDIT_LOCK_ID = 0x5357_4155; // "SWAU"

export type AuditAction =
  | 'breaker.transition'
  | 'breaker.would_trip'
  | 'breaker.override'
  | 'endpoint.create'
  | 'endpoint.update'
  | 'endpoint.disabled'
  | 'source.create'
  | 'source.update'
  | 'subscription.create'
  | 'subscription.delete'
  | 'replay.start'
  | 'replay.cancel'
  | 'delivery.dead'
  | 'auth.sign_in'
  | 'user.create'
  | 'user.update'
  | 'token.create'
  | 'token.revoke'
  | 'audit.purge'
  | 'alert.raise'
  | 'alert.resolve'
  | 'alert.acknowledge';

export type AuditInput = {
  actor: string;
  action: AuditAction;
  targetId?: string | null;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
};

/**
 * Appends one entry to the hash-chained audit table. Must run inside the caller's transaction
 * (`client` from withTransaction) so the entry commits together with the change it records.
 */
export async function appendAudit(client: Db, input: AuditInput): Promise<string> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_ID]);
  const last = await client.query<{ hash: string }>('SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1');
  const prevHash = last.rows[0]?.hash ?? GENESIS_HASH;
  // Millisecond precision, as stored in timestamptz(3), so the verifier recomputes the same hash.
  const at = new Date(Math.floor(Date.now()));
  const entry = {
    id: newId('audit'),
    actor: input.actor,
    action: input.action,
    targetId: input.targetId ?? null,
    reason: input.reason ?? null,
    before: input.before ?? null,
    after: input.after ?? null,
    at,
  };
  const hash = entryHash(prevHash, entry);
  await client.query(
    `INSERT INTO audit_entries (id, actor, action, target_id, reason, before, after, at, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [entry.id, entry.actor, entry.action, entry.targetId, entry.reason, jsonParam(entry.before), jsonParam(entry.after), at, prevHash, hash],
  );
  return entry.id;
}

function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
