import { applyOverride, onGone } from '../breaker';
import type { BreakerSnapshot, OverrideAction } from '../breaker/types';
import { withTransaction } from '../db/tx';
import { type Actor, applyPlan, loadSnapshot } from './store';

/**
 * Sets or releases an operator state. The row lock orders it with any concurrent system move,
 * and the transition, audit entry and notification commit together.
 */
export async function overrideBreaker(
  endpointId: string,
  action: OverrideAction,
  options: { actor: Actor; reason: string; expiresAt: number | null; instanceId: string; now: number },
): Promise<BreakerSnapshot | null> {
  return withTransaction(async (db) => {
    const current = await loadSnapshot(db, endpointId, true);
    if (!current) return null;
    const plan = applyOverride(current, action, options.now, options.expiresAt);
    const result = await applyPlan(endpointId, current.version, plan, {
      actor: options.actor,
      instanceId: options.instanceId,
      now: options.now,
      note: options.reason,
      db,
    });
    return result.snapshot;
  });
}

/** A 410 Gone: the system disables the endpoint; its deliveries wait until an operator releases it. */
export async function disableGoneEndpoint(endpointId: string, options: { instanceId: string; now: number }): Promise<BreakerSnapshot | null> {
  return withTransaction(async (db) => {
    const current = await loadSnapshot(db, endpointId, true);
    if (!current) return null;
    const plan = onGone(current, options.now);
    if (!plan) return current;
    const result = await applyPlan(endpointId, current.version, plan, {
      actor: { kind: 'system' },
      instanceId: options.instanceId,
      now: options.now,
      note: 'receiver answered 410 Gone',
      db,
    });
    return result.snapshot;
  });
}
