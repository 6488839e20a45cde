import type pg from 'pg';

import type { BreakerConfig } from '../breaker/config';
import { admission, onProbeResult, probeSpacing } from '../breaker';
import type { BreakerSnapshot, CallResult } from '../breaker/types';
import type { Db } from '../db/tx';
import { withTransaction } from '../db/tx';
import { newId } from '../ids';
import { type Actor, applyPlan, loadSnapshot, updateFields } from './store';

export type ProbePermit = { id: string; endpointId: string; version: number; leaseUntil: number };

/**
 * Takes a half-open probe permit if the breaker allows one now, counting the live permits of
 * every instance under a row lock on the breaker, so the sum never exceeds
 * halfOpenMaxConcurrent. `claim` picks the delivery to probe with, inside the same transaction;
 * without one, no permit is taken. A permit past its lease is deleted first: a probe that
 * never reported back frees its slot then.
 */
export async function acquireProbe<T>(
  endpointId: string,
  config: BreakerConfig,
  now: number,
  options: { instanceId: string; leaseMs: number; random: () => number; claim: (db: pg.PoolClient, leaseUntil: number) => Promise<T | null> },
): Promise<{ permit: ProbePermit; claimed: T; snapshot: BreakerSnapshot } | null> {
  return withTransaction(async (db) => {
    const snapshot = await loadSnapshot(db, endpointId, true);
    if (!snapshot || snapshot.state !== 'half_open') return null;
    await db.query('DELETE FROM probe_permits WHERE endpoint_id = $1 AND (lease_until < $2 OR version <> $3)', [
      endpointId,
      new Date(now),
      snapshot.version,
    ]);
    const live = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM probe_permits WHERE endpoint_id = $1', [endpointId]);
    const decision = admission(snapshot, config, now, live.rows[0].n);
    if (decision.kind !== 'probe') return null;

    const leaseUntil = now + options.leaseMs;
    const claimed = await options.claim(db, leaseUntil);
    if (claimed === null) return null;

    const permit: ProbePermit = { id: newId('permit'), endpointId, version: snapshot.version, leaseUntil };
    await db.query(
      `INSERT INTO probe_permits (id, endpoint_id, version, delivery_id, instance_id, lease_until)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [permit.id, endpointId, snapshot.version, (claimed as { id?: string }).id ?? '', options.instanceId, new Date(leaseUntil)],
    );
    // Space the next probe, on every instance, from this one's start.
    const next: BreakerSnapshot = { ...snapshot, nextProbeAt: now + probeSpacing(config, options.random) };
    await updateFields(db, endpointId, snapshot.version, next);
    return { permit, claimed, snapshot: next };
  });
}

/**
 * Reports a probe's result: frees its permit and moves the half-open breaker (close after
 * enough consecutive successes, re-open on a failure). A result from before the breaker's
 * latest transition changes nothing.
 */
export async function finishProbe(
  permit: ProbePermit,
  config: BreakerConfig,
  result: CallResult,
  startedAt: number,
  now: number,
  options: { instanceId: string; random: () => number },
): Promise<BreakerSnapshot | null> {
  return withTransaction(async (db: Db) => {
    await db.query('DELETE FROM probe_permits WHERE id = $1', [permit.id]);
    const snapshot = await loadSnapshot(db, permit.endpointId, true);
    if (!snapshot || snapshot.version !== permit.version) return snapshot;
    const outcome = onProbeResult(snapshot, config, result, startedAt, now, options.random);
    if (!outcome) return snapshot;
    if (outcome.transition === null) {
      await updateFields(db, permit.endpointId, snapshot.version, outcome.next);
      return outcome.next;
    }
    const actor: Actor = { kind: 'system' };
    const applied = await applyPlan(permit.endpointId, snapshot.version, outcome, {
      actor,
      instanceId: options.instanceId,
      now,
      db,
    });
    return applied.snapshot;
  });
}
