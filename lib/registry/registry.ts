import type pg from 'pg';

import { BucketedWindow, evaluateTrip, onWindow, summarizeBuckets, tick as tickMachine } from '../breaker';
import { BREAKER_STATES, type BreakerSnapshot, type BreakerStateName, type CallResult, type OverrideAction, type TransitionPlan } from '../breaker/types';
import { errorFields, logger } from '../telemetry/logger';
import { type CachedEndpoint, loadEndpoints } from './endpoint-cache';
import { BREAKER_CHANNEL, localBus } from './notify';
import { pruneBuckets, readBuckets, writeBuckets, type BucketWrite } from './buckets';
import { disableGoneEndpoint, overrideBreaker } from './override';
import { type Actor, applyPlan, extendPause } from './store';

type LocalWindow = { version: number; window: BucketedWindow; dirty: boolean };

export type RegistryOptions = {
  instanceId: string;
  clock: () => number;
  db: () => pg.Pool;
  random?: () => number;
};

// States in which closed-state traffic flows.
const SENDING_STATES: ReadonlySet<string> = new Set(['closed', 'forced_closed', 'metrics_only']);

// Bucket rows stay this long for the console's charts, then a flush prunes them.
const BUCKET_RETENTION_MS = 24 * 3_600_000;
// Overlap of successive resyncs, so a change committed during a load is not missed.
const RESYNC_OVERLAP_MS = 2_000;

/**
 * One instance's view of every endpoint's breaker. Postgres is the source of truth; this cache is
 * rebuilt from it at start, kept current by notifications and healed by periodic resync. The
 * instance's own calls feed a local bucketed window that `flush` writes to Postgres; trip
 * decisions read the buckets of all instances.
 */
export class BreakerRegistry {
  private readonly endpoints = new Map<string, CachedEndpoint>();
  private readonly windows = new Map<string, LocalWindow>();
  private readonly announced = new Map<string, { version: number; state: BreakerStateName }>();
  /**
   * Closed endpoints whose local window alone meets the trip rule. The dispatcher sends nothing
   * new to them and flushes at its next cycle, where the rule is checked over every instance.
   */
  private readonly tripPending = new Set<string>();
  private lastSync: Date | null = null;
  private lastPrune = 0;
  private readonly random: () => number;
  private readonly onNotice = (payload: string): void => {
    const [endpointId, version, state] = payload.split(' ');
    this.adoptAnnounced(endpointId, Number(version), state);
    this.reload([endpointId]).catch((error) => logger().warn({ ...errorFields(error), endpointId }, 'breaker reload failed'));
  };
  private readonly onReconnect = (): void => {
    this.resync(true).catch((error) => logger().warn(errorFields(error), 'breaker resync failed'));
  };

  constructor(private readonly options: RegistryOptions) {
    this.random = options.random ?? Math.random;
  }

  get instanceId(): string {
    return this.options.instanceId;
  }

  async start(): Promise<void> {
    await this.resync(true);
    localBus().on(BREAKER_CHANNEL, this.onNotice);
    localBus().on('reconnected', this.onReconnect);
  }

  stop(): void {
    localBus().off(BREAKER_CHANNEL, this.onNotice);
    localBus().off('reconnected', this.onReconnect);
  }

  get(endpointId: string): CachedEndpoint | undefined {
    return this.endpoints.get(endpointId);
  }

  all(): IterableIterator<CachedEndpoint> {
    return this.endpoints.values();
  }

  /** Loads changed endpoints, or all of them when `full`. */
  async resync(full = false): Promise<void> {
    const changedSince = full || !this.lastSync ? undefined : new Date(this.lastSync.getTime() - RESYNC_OVERLAP_MS);
    const { endpoints, dbNow } = await loadEndpoints(this.options.db(), { changedSince });
    if (full) {
      const seen = new Set(endpoints.map((e) => e.id));
      for (const id of this.endpoints.keys()) if (!seen.has(id)) this.endpoints.delete(id);
    }
    for (const endpoint of endpoints) this.adopt(endpoint);
    this.lastSync = dbNow;
  }

  async reload(ids: string[]): Promise<void> {
    const { endpoints } = await loadEndpoints(this.options.db(), { ids });
    for (const endpoint of endpoints) this.adopt(endpoint);
  }

  private adopt(endpoint: CachedEndpoint): void {
    const current = this.endpoints.get(endpoint.id);
    // Never step back to an older version than one this instance already applied.
    if (current && current.snapshot.version > endpoint.snapshot.version) {
      endpoint = { ...endpoint, snapshot: current.snapshot };
    }
    this.endpoints.set(endpoint.id, endpoint);
    const announced = this.announced.get(endpoint.id);
    if (announced && announced.version <= endpoint.snapshot.version) this.announced.delete(endpoint.id);
  }

  /**
   * Takes the state named in a transition notice before the full row is reloaded: a breaker
   * that just opened on another instance must stop this instance's sends now.
   */
  private adoptAnnounced(endpointId: string, version: number, state: string | undefined): void {
    const current = this.endpoints.get(endpointId);
    if (!current || !state || !Number.isInteger(version) || version <= current.snapshot.version) return;
    if (!(BREAKER_STATES as readonly string[]).includes(state)) return;
    this.announced.set(endpointId, { version, state: state as BreakerStateName });
  }

  /**
   * Returns the state to gate a send on: the newest of the stored snapshot and a state announced by
   * another instance whose full row has not been reloaded yet.
   */
  currentState(endpointId: string): BreakerStateName | null {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint) return null;
    const announced = this.announced.get(endpointId);
    if (announced && announced.version > endpoint.snapshot.version) return announced.state;
    return endpoint.snapshot.state;
  }

  private adoptSnapshot(endpointId: string, snapshot: BreakerSnapshot | null): void {
    const current = this.endpoints.get(endpointId);
    if (!current || !snapshot) return;
    if (snapshot.version >= current.snapshot.version) this.endpoints.set(endpointId, { ...current, snapshot });
  }

  /**
   * Feeds one finished call into this instance's window. A call that started under an older
   * breaker version than the current one is stale and ignored.
   */
  recordOutcome(endpointId: string, version: number, result: CallResult, durationMs: number, now: number): void {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint || endpoint.snapshot.version !== version) return;
    if (result !== 'success' && result !== 'failure') return;
    let local = this.windows.get(endpointId);
    if (!local || local.version !== version) {
      local = { version, window: new BucketedWindow(endpoint.breaker), dirty: false };
      this.windows.set(endpointId, local);
    }
    local.window.record(result, durationMs, now);
    local.dirty = true;
    // Waiting for the periodic flush would let traffic through for up to its interval after
    // the rule is met. Only a failure or a slow call can newly meet it.
    const bad = result === 'failure' || durationMs >= endpoint.breaker.latencyThresholdMs;
    if (bad && endpoint.snapshot.state === 'closed' && !this.tripPending.has(endpointId)) {
      if (evaluateTrip(local.window.statsView(now), endpoint.breaker) !== null) this.tripPending.add(endpointId);
    }
  }

  /** True when some endpoint waits for a flush to decide a trip its local window calls for. */
  get hasTripPending(): boolean {
    return this.tripPending.size > 0;
  }

  /** True while the endpoint's local window meets the trip rule and no flush has decided yet. */
  isTripPending(endpointId: string): boolean {
    return this.tripPending.has(endpointId);
  }

  /**
   * Writes this instance's changed buckets, then evaluates the trip rule for those endpoints
   * over the buckets of every instance. `slowInFlight` counts calls still running past the
   * latency threshold, per endpoint.
   */
  async flush(now: number, slowInFlight: Map<string, number> = new Map()): Promise<void> {
    // The pending trips this flush decides. Endpoints that meet the rule while it runs wait
    // for the next flush.
    const deciding = [...this.tripPending];
    await this.writeAndEvaluate(now, slowInFlight);
    for (const endpointId of deciding) this.tripPending.delete(endpointId);
  }

  private async writeAndEvaluate(now: number, slowInFlight: Map<string, number>): Promise<void> {
    const writes: BucketWrite[] = [];
    const keys: { endpointId: string; version: number }[] = [];
    for (const [endpointId, local] of this.windows) {
      const endpoint = this.endpoints.get(endpointId);
      if (!endpoint || endpoint.snapshot.version !== local.version) {
        this.windows.delete(endpointId);
        continue;
      }
      if (!local.dirty && !slowInFlight.get(endpointId)) continue;
      local.dirty = false;
      for (const bucket of local.window.buckets(now)) writes.push({ ...bucket, endpointId, version: local.version });
      keys.push({ endpointId, version: local.version });
    }
    for (const endpointId of slowInFlight.keys()) {
      const endpoint = this.endpoints.get(endpointId);
      if (endpoint && !keys.some((k) => k.endpointId === endpointId)) keys.push({ endpointId, version: endpoint.snapshot.version });
    }
    if (keys.length === 0) return;

    const db = this.options.db();
    await writeBuckets(db, this.options.instanceId, writes);
    const maxWindowMs = Math.max(...keys.map((k) => (this.endpoints.get(k.endpointId)?.breaker.windowSeconds ?? 60) * 1000));
    const stored = await readBuckets(db, keys, now - maxWindowMs);

    for (const { endpointId } of keys) {
      const endpoint = this.endpoints.get(endpointId);
      if (!endpoint) continue;
      const stats = summarizeBuckets(stored.get(endpointId) ?? [], endpoint.breaker, now);
      const plan = onWindow(endpoint.snapshot, endpoint.breaker, stats, now, this.random, slowInFlight.get(endpointId) ?? 0);
      if (plan) await this.apply(endpointId, endpoint.snapshot.version, plan, { kind: 'system' });
    }

    if (now - this.lastPrune > 60_000) {
      this.lastPrune = now;
      await pruneBuckets(db, now - BUCKET_RETENTION_MS);
    }
  }

  /** Applies the time-driven moves: open to half-open, half-open timeout, override expiry. */
  async tick(now: number): Promise<void> {
    for (const endpoint of this.endpoints.values()) {
      const plan = tickMachine(endpoint.snapshot, endpoint.breaker, now, this.random);
      if (plan) await this.apply(endpoint.id, endpoint.snapshot.version, plan, { kind: 'system' });
    }
  }

  private async apply(endpointId: string, version: number, plan: TransitionPlan, actor: Actor, note?: string): Promise<boolean> {
    // Stop this instance's sends before the transition commits. If the compare-and-set loses,
    // the winner's state is adopted below and replaces this hold.
    const hold = !SENDING_STATES.has(plan.next.state);
    if (hold) this.announced.set(endpointId, { version: plan.next.version, state: plan.next.state });
    let result: Awaited<ReturnType<typeof applyPlan>>;
    try {
      result = await applyPlan(endpointId, version, plan, {
        actor,
        instanceId: this.options.instanceId,
        now: this.options.clock(),
        note,
      });
    } catch (error) {
      // Nothing was stored: drop the hold, so the endpoint is not held on a state it never took.
      if (hold && this.announced.get(endpointId)?.version === plan.next.version) this.announced.delete(endpointId);
      throw error;
    }
    this.adoptSnapshot(endpointId, result.snapshot);
    if (result.applied) {
      logger().info(
        { endpointId, from: plan.transition.from, to: plan.transition.to, reason: plan.transition.reason, version: plan.next.version },
        'breaker transition',
      );
    }
    return result.applied;
  }

  /** Sets or releases an operator state and adopts the result at once. */
  async override(
    endpointId: string,
    action: OverrideAction,
    options: { actor: Actor; reason: string; expiresAt: number | null },
  ): Promise<BreakerSnapshot | null> {
    const result = await overrideBreaker(endpointId, action, { ...options, instanceId: this.options.instanceId, now: this.options.clock() });
    if (result.kind === 'not_found') return null;
    this.adoptSnapshot(endpointId, result.snapshot);
    return result.snapshot;
  }

  /** Disables the endpoint after a 410 Gone; its deliveries wait until an operator releases it. */
  async markGone(endpointId: string): Promise<void> {
    const snapshot = await disableGoneEndpoint(endpointId, { instanceId: this.options.instanceId, now: this.options.clock() });
    this.adoptSnapshot(endpointId, snapshot);
  }

  /** Pauses the endpoint on every instance until `until`, after a 429 or a 503 with Retry-After. */
  async pause(endpointId: string, until: number): Promise<void> {
    await extendPause(this.options.db(), endpointId, until);
    const endpoint = this.endpoints.get(endpointId);
    if (endpoint) {
      const pausedUntil = Math.max(endpoint.snapshot.pausedUntil ?? 0, until);
      this.endpoints.set(endpointId, { ...endpoint, snapshot: { ...endpoint.snapshot, pausedUntil } });
    }
  }
}
