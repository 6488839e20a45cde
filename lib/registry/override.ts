import { applyOverride, isOperatorState, onGone } from '../breaker';
import type { BreakerSnapshot, OverrideAction } from '../breaker/types';
import { withTransaction } from '../db/tx';
import { type Actor, applyPlan, loadSnapshot } from './store';

/**
 * Sets or releases an operator state. The row lock orders it with any concurrent system move,
 * and the transition, audit entry and notification commit together.
 */
export type OverrideResult =
  | { kind: 'applied'; snapshot: BreakerSnapshot }
  | { kind: 'not_found' }
  /** A release of a breaker that is in no operator state: nothing changes, nothing is recorded. */
  | { kind: 'nothing_to_release'; snapshot: BreakerSnapshot };

export async function overrideBreaker(
  endpointId: string,
  action: OverrideAction,
  options: { actor: Actor; reason: string; expiresAt: number | null; instanceId: string; now: number },
): Promise<OverrideResult> {
  return withTransaction(async (db): Promise<OverrideResult> => {
    const current = await loadSnapshot(db, endpointId, true);
    if (!current) return { kind: 'not_found' };
    if (action === 'release' && !isOperatorState(current.state)) return { kind: 'nothing_to_release', snapshot: current };
    const plan = applyOverride(current, action, options.now, options.expiresAt);
    const result = await applyPlan(endpointId, current.version, plan, {
      actor: options.actor,
      instanceId: options.instanceId,
      now: options.now,
      note: options.reason,
      db,
    });
    // The row lock makes the compare-and-set win, so the snapshot is the new state.
    return { kind: 'applied', snapshot: result.snapshot ?? plan.next };
  });
}

/** Disables the endpoint after a 410 Gone. Its deliveries wait until an operator releases it. */
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
