import type { BreakerSnapshot, Transition, TransitionPlan } from '../breaker/types';
import { type AuditAction, appendAudit } from '../audit/append';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import { recordTransition } from '../telemetry/metrics';
import { BREAKER_CHANNEL, notify } from './notify';
import { BREAKER_COLUMNS, type BreakerRow, rowToSnapshot, snapshotParams } from './rows';

export type Actor = { kind: 'system' } | { kind: 'user'; name: string };

export function actorName(actor: Actor): string {
  return actor.kind === 'system' ? 'system' : actor.name;
}

export type ApplyResult =
  | { applied: true; snapshot: BreakerSnapshot; transitionId: string }
  | { applied: false; snapshot: BreakerSnapshot | null };

/** Creates the closed breaker of a new endpoint and its first transition row. */
export async function createBreaker(db: Db, endpointId: string, now: number, instanceId: string): Promise<void> {
  const since = new Date(now);
  await db.query(
    `INSERT INTO breaker_states (endpoint_id, state, version, since, reason, updated_at)
     VALUES ($1, 'closed', 0, $2, 'created', now())`,
    [endpointId, since],
  );
  await db.query(
    `INSERT INTO transitions (id, endpoint_id, from_state, to_state, version, reason, actor, "window", instance_id, at)
     VALUES ($1, $2, 'closed', 'closed', 0, 'created', 'system', 'null', $3, $4)`,
    [newId('transition'), endpointId, instanceId, since],
  );
}

export async function loadSnapshot(db: Db, endpointId: string, lock = false): Promise<BreakerSnapshot | null> {
  const result = await db.query<BreakerRow>(
    `SELECT ${BREAKER_COLUMNS} FROM breaker_states WHERE endpoint_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [endpointId],
  );
  return result.rows[0] ? rowToSnapshot(result.rows[0]) : null;
}

/**
 * Stores a transition with compare-and-set on the version the plan was computed from. In one
 * transaction: the new state, one immutable transition row, one audit entry and a notification
 * to the other instances. A lost race changes nothing and returns the winner's state, which
 * the caller adopts.
 */
export async function applyPlan(
  endpointId: string,
  expectedVersion: number,
  plan: TransitionPlan,
  options: { actor: Actor; instanceId: string; now: number; note?: string | null; db?: Db },
): Promise<ApplyResult> {
  const run = async (db: Db): Promise<ApplyResult> => {
    const updated = await db.query(
      `UPDATE breaker_states
          SET state = $3, version = $4, since = $5, probe_at = $6, failed_recoveries = $7,
              half_open_successes = $8, next_probe_at = $9, paused_until = $10, expires_at = $11,
              reason = $12, updated_at = now()
        WHERE endpoint_id = $1 AND version = $2`,
      [endpointId, expectedVersion, ...snapshotParams(plan.next), displayReason(plan, options)],
    );
    if (updated.rowCount === 0) {
      return { applied: false, snapshot: await loadSnapshot(db, endpointId) };
    }
    const transitionId = await insertTransition(db, endpointId, plan, options);
    recordTransition(endpointId, plan.transition);
    await notify(db, BREAKER_CHANNEL, endpointId);
    return { applied: true, snapshot: plan.next, transitionId };
  };
  return options.db ? run(options.db) : withTransaction(run);
}

/** Returns the reason shown with the breaker: an operator's own words, or the system's code. */
function displayReason(plan: TransitionPlan, options: { actor: Actor; note?: string | null }): string {
  return options.actor.kind === 'user' && options.note ? options.note : plan.transition.reason;
}

async function insertTransition(
  db: Db,
  endpointId: string,
  plan: TransitionPlan,
  options: { actor: Actor; instanceId: string; now: number; note?: string | null },
): Promise<string> {
  const t: Transition = plan.transition;
  const id = newId('transition');
  const actor = actorName(options.actor);
  // Taken once the UPDATE has locked the breaker row: every claim that read the old state has
  // committed by now, so requests it started precede this time.
  const at = new Date(Math.max(options.now, Date.now()));
  await db.query(
    `INSERT INTO transitions (id, endpoint_id, from_state, to_state, version, reason, note, actor, "window", instance_id, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, endpointId, t.from, t.to, plan.next.version, t.reason, options.note ?? null, actor, JSON.stringify(t.window), options.instanceId, at],
  );
  let action: AuditAction = 'breaker.transition';
  if (t.reason.startsWith('override_') && t.reason !== 'override_expired') action = 'breaker.override';
  if (t.reason.startsWith('would_trip_')) action = 'breaker.would_trip';
  await appendAudit(db, {
    actor,
    action,
    targetId: endpointId,
    reason: options.note ?? t.reason,
    before: { state: t.from },
    after: { state: t.to, reason: t.reason, transitionId: id, version: plan.next.version, window: t.window },
  });
  return id;
}

/** Stores a change of breaker fields that is not a transition (probe count, pause). */
export async function updateFields(db: Db, endpointId: string, expectedVersion: number, next: BreakerSnapshot): Promise<boolean> {
  const result = await db.query(
    `UPDATE breaker_states
        SET half_open_successes = $3, next_probe_at = $4, paused_until = $5, updated_at = now()
      WHERE endpoint_id = $1 AND version = $2`,
    [
      endpointId,
      expectedVersion,
      next.halfOpenSuccesses,
      next.nextProbeAt === null ? null : new Date(next.nextProbeAt),
      next.pausedUntil === null ? null : new Date(next.pausedUntil),
    ],
  );
  if ((result.rowCount ?? 0) > 0) await notify(db, BREAKER_CHANNEL, endpointId);
  return (result.rowCount ?? 0) > 0;
}

/** Extends the shared throttle pause; never shortens one another instance set. */
export async function extendPause(db: Db, endpointId: string, until: number): Promise<void> {
  await db.query(
    `UPDATE breaker_states SET paused_until = GREATEST(COALESCE(paused_until, $2), $2), updated_at = now()
      WHERE endpoint_id = $1`,
    [endpointId, new Date(until)],
  );
  await notify(db, BREAKER_CHANNEL, endpointId);
}
