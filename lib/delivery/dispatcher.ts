import type pg from 'pg';

import { rampUpLimit } from '../breaker';
import type { CachedEndpoint } from '../registry/endpoint-cache';
import { DELIVERY_CHANNEL, localBus } from '../registry/notify';
import { acquireProbe, finishProbe, type ProbePermit } from '../registry/probes';
import type { BreakerRegistry } from '../registry/registry';
import { errorFields, logger } from '../telemetry/logger';
import { recordAttempt } from '../telemetry/metrics';
import { attemptEffects, attemptHeaders, type AttemptEffects } from './attempt';
import { claimBatch, claimFallback, claimProbe, releaseClaims, type ClaimedDelivery } from './claim';
import { recordResults } from './record';
import type { Sender } from './sender';

export type DispatcherOptions = {
  instanceId: string;
  registry: BreakerRegistry;
  sender: Sender;
  db: () => pg.Pool;
  clock: () => number;
  pollMs: number;
  /** Requests in flight at once from this instance, over all endpoints. */
  maxInFlight?: number;
  /** Breaker window flush and trip evaluation interval, in ms. */
  flushMs?: number;
  random?: () => number;
  /** Extra work, such as advancing replay jobs, run in a cycle at most every ON_CYCLE_MS. */
  onCycle?: () => Promise<unknown>;
};

type InFlight = { endpointId: string; startedAt: number; promise: Promise<void> };

// A claim's lease covers the request timeout plus time to record the result.
const LEASE_MARGIN_MS = 5_000;
const RESYNC_MS = 1_000;
const RECORD_BATCH = 200;
// Replay jobs move dead letters by the time elapsed since they started, so running them
// every 100 ms instead of in every cycle only makes each slice larger. Under load this saves
// one transaction per cycle.
const ON_CYCLE_MS = 100;
// Claims run this many times an endpoint's concurrency ahead of its requests, so a finished
// request starts the next claimed one at once instead of leaving its slot idle until the
// next claim round trip. The extra claims wait in this instance under their lease.
const CLAIM_AHEAD = 2;
// An endpoint whose local window meets the trip rule gets a flush at once, but flushes come
// at most this often, so one instance's view that the other instances outvote cannot make
// every cycle flush.
const MIN_TRIP_FLUSH_MS = 20;
// Claim room of an endpoint this instance has not loaded yet.
const DEFAULT_CAPACITY = 16 * CLAIM_AHEAD;

/**
 * The delivery loop of one instance: claim due deliveries, send each through its endpoint's
 * breaker, record attempts in batches, and keep the breaker registry flushed and ticking.
 * Every failure inside a cycle is logged, and the loop goes on after a pause. Nothing claimed
 * is dropped, because an unrecorded claim returns when its lease expires.
 */
export class Dispatcher {
  private readonly inFlight = new Map<string, InFlight>();
  /** Requests in flight per endpoint. */
  private readonly busy = new Map<string, number>();
  /** Claimed deliveries waiting for a free slot of their endpoint, oldest first. */
  private readonly ready = new Map<string, ClaimedDelivery[]>();
  private readonly pending: AttemptEffects[] = [];
  private readonly releases: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires, on the performance.now() clock. */
  private timerAt = Infinity;
  private running = false;
  private stopping = false;
  private cycling = false;
  /** A wake-up arrived while a cycle ran; the next cycle starts without delay. */
  private wokenDuringCycle = false;
  /**
   * True when the last claim may have left due deliveries behind, because it used all the
   * room of an endpoint or an endpoint had no room while its requests were in flight. Each
   * finished request then wakes the loop instead of leaving its slot idle until the next poll.
   */
  private moreDue = false;
  /**
   * Results being written while the next cycle claims. At most one write runs at a time, and
   * the next cycle awaits it, so a failed write fails that cycle and its results are retried.
   */
  private recording: Promise<void> | null = null;
  private lastFlush = 0;
  private lastOnCycle = 0;
  private lastResync = 0;
  private consecutiveErrors = 0;
  private readonly random: () => number;
  private readonly wake = (): void => this.wakeUp();

  constructor(private readonly options: DispatcherOptions) {
    this.random = options.random ?? Math.random;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    localBus().on(DELIVERY_CHANNEL, this.wake);
    this.schedule(0);
    logger().info({ pollMs: this.options.pollMs }, 'dispatcher started');
  }

  /**
   * Stops claiming, lets requests in flight finish (up to `graceMs`), records their results
   * and hands back every claim not yet attempted, so another instance can take it at once.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    localBus().off(DELIVERY_CHANNEL, this.wake);
    if (this.timer) clearTimeout(this.timer);
    const deadline = Date.now() + graceMs;
    while (this.cycling && Date.now() < deadline) await sleep(20);
    await Promise.race([Promise.allSettled([...this.inFlight.values()].map((f) => f.promise)), sleep(Math.max(0, deadline - Date.now()))]);
    await this.recording?.catch(() => {});
    await this.recordPending().catch((error) => logger().error(errorFields(error), 'recording results at stop failed'));
    const waiting = [...this.ready.values()].flat().map((delivery) => delivery.id);
    this.ready.clear();
    const unfinished = [...this.inFlight.keys(), ...waiting];
    await releaseClaims(this.options.db(), unfinished, this.options.instanceId).catch(() => {});
    await this.options.registry.flush(this.options.clock()).catch(() => {});
    this.running = false;
    logger().info({ released: unfinished.length }, 'dispatcher stopped');
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  private schedule(delayMs: number): void {
    if (!this.running || this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = performance.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.cycle();
    }, delayMs);
  }

  /**
   * Runs a cycle as soon as possible. A timer that is already due is kept, because resetting
   * it on every finished request would postpone the cycle for as long as requests keep finishing.
   */
  private wakeUp(): void {
    if (this.timer && this.timerAt <= performance.now()) return;
    this.schedule(0);
  }

  private async cycle(): Promise<void> {
    if (this.stopping) return;
    if (this.cycling) {
      this.wokenDuringCycle = true;
      return;
    }
    this.cycling = true;
    this.wokenDuringCycle = false;
    let claimed = 0;
    try {
      const now = this.options.clock();
      if (now - this.lastResync >= RESYNC_MS) {
        this.lastResync = now;
        await this.options.registry.resync();
      }
      await this.options.registry.tick(now);
      claimed = await this.claimAndSend(now);
      await this.probeHalfOpen(now);
      if (this.options.onCycle && now - this.lastOnCycle >= ON_CYCLE_MS) {
        this.lastOnCycle = now;
        await this.options.onCycle();
      }
      await this.recordInBackground();
      const tripPending = this.options.registry.hasTripPending && now - this.lastFlush >= MIN_TRIP_FLUSH_MS;
      if (tripPending || now - this.lastFlush >= (this.options.flushMs ?? 250)) {
        this.lastFlush = now;
        await this.options.registry.flush(now, this.slowInFlight(now));
        // Endpoints held for a pending trip that did not trip may send again.
        if (tripPending) for (const endpointId of [...this.ready.keys()]) this.drain(endpointId);
      }
      this.consecutiveErrors = 0;
    } catch (error) {
      this.consecutiveErrors++;
      // Log the first failure and then every 20th, so a database outage does not flood the log.
      if (this.consecutiveErrors === 1 || this.consecutiveErrors % 20 === 0) {
        logger().error({ ...errorFields(error), consecutiveErrors: this.consecutiveErrors }, 'dispatcher cycle failed');
      }
    } finally {
      this.cycling = false;
    }
    const backoff = this.consecutiveErrors > 0 ? Math.min(5_000, 200 * 2 ** Math.min(this.consecutiveErrors, 5)) : null;
    // Go on at once while work is flowing. Otherwise wait for a wake-up (a notification or,
    // with moreDue, a finished request) or the next poll.
    const busy = claimed > 0 || this.pending.length > 0 || this.releases.length > 0 || this.recording !== null || this.wokenDuringCycle;
    // A pending trip is decided by the first flush allowed after MIN_TRIP_FLUSH_MS.
    let idleDelay = this.options.pollMs;
    if (this.options.registry.hasTripPending) {
      idleDelay = Math.min(idleDelay, Math.max(0, MIN_TRIP_FLUSH_MS - (this.options.clock() - this.lastFlush)));
    }
    this.schedule(backoff ?? (busy ? 0 : idleDelay));
  }

  /** Claim room per endpoint: CLAIM_AHEAD times its limit, less what it has in flight or waiting. */
  private capacities(now: number): Map<string, number> {
    const capacities = new Map<string, number>();
    for (const endpoint of this.options.registry.all()) {
      const held = (this.busy.get(endpoint.id) ?? 0) + (this.ready.get(endpoint.id)?.length ?? 0);
      const limit = this.options.registry.isTripPending(endpoint.id) ? 0 : this.concurrencyLimit(endpoint, now);
      const room = Math.max(0, limit * CLAIM_AHEAD - held);
      if (room !== DEFAULT_CAPACITY) capacities.set(endpoint.id, room);
    }
    return capacities;
  }

  private bufferedCount(): number {
    let count = 0;
    for (const queue of this.ready.values()) count += queue.length;
    return count;
  }

  /** Starts waiting deliveries of an endpoint while it has free slots. */
  private drain(endpointId: string): void {
    const queue = this.ready.get(endpointId);
    if (!queue || this.stopping || this.options.registry.isTripPending(endpointId)) return;
    const endpoint = this.options.registry.get(endpointId);
    const limit = endpoint ? this.concurrencyLimit(endpoint, this.options.clock()) : DEFAULT_CAPACITY / CLAIM_AHEAD;
    while (queue.length > 0 && (this.busy.get(endpointId) ?? 0) < limit) this.launch(queue.shift()!, null);
    if (queue.length === 0) this.ready.delete(endpointId);
  }

  private concurrencyLimit(endpoint: CachedEndpoint, now: number): number {
    const s = endpoint.snapshot;
    if (s.state === 'closed' && s.version > 0) return rampUpLimit(endpoint.breaker, s.since, now);
    return endpoint.breaker.maxConcurrent;
  }

  /** Claims and launches due deliveries; returns how many it launched and sets moreDue. */
  private async claimAndSend(now: number): Promise<number> {
    const room = (this.options.maxInFlight ?? 256) * CLAIM_AHEAD - this.inFlight.size - this.bufferedCount();
    if (room <= 0) {
      this.moreDue = true;
      return 0;
    }

    const batchSize = Math.min(room, 500);
    const leaseUntil = now + this.leaseMs();
    const capacities = this.capacities(now);
    const claimed = await claimBatch(this.options.db(), {
      now,
      leaseUntil,
      instanceId: this.options.instanceId,
      batchSize,
      defaultCapacity: DEFAULT_CAPACITY,
      capacities,
    });
    const touched = new Set<string>();
    for (const delivery of claimed) {
      const queue = this.ready.get(delivery.endpointId) ?? [];
      queue.push(delivery);
      this.ready.set(delivery.endpointId, queue);
      touched.add(delivery.endpointId);
    }
    for (const endpointId of touched) this.drain(endpointId);

    const fallbackRoom = Math.min((this.options.maxInFlight ?? 256) - this.inFlight.size, 100);
    // The fallback claim scans each endpoint's due deliveries, so it only runs when some
    // endpoint has a fallback URL. The cache learns of a new fallback URL from the endpoint's
    // change notification, or from the resync within RESYNC_MS.
    const fallback =
      fallbackRoom > 0 && this.anyFallbackUrl()
        ? await claimFallback(this.options.db(), {
            now,
            leaseUntil,
            instanceId: this.options.instanceId,
            batchSize: fallbackRoom,
            perEndpoint: 8,
          })
        : [];
    for (const delivery of fallback) this.launch(delivery, null);

    this.moreDue = claimed.length === batchSize || (fallbackRoom > 0 && fallback.length === fallbackRoom) || this.usedAllRoom(claimed, capacities);
    return claimed.length + fallback.length;
  }

  private anyFallbackUrl(): boolean {
    for (const endpoint of this.options.registry.all()) if (endpoint.fallbackUrl) return true;
    return false;
  }

  /** True when some endpoint got as many deliveries as it had room for, or had no room. */
  private usedAllRoom(claimed: ClaimedDelivery[], capacities: Map<string, number>): boolean {
    const perEndpoint = new Map<string, number>();
    for (const delivery of claimed) perEndpoint.set(delivery.endpointId, (perEndpoint.get(delivery.endpointId) ?? 0) + 1);
    for (const [endpointId, count] of perEndpoint) {
      if (count >= (capacities.get(endpointId) ?? DEFAULT_CAPACITY)) return true;
    }
    for (const capacity of capacities.values()) if (capacity === 0) return true;
    return false;
  }

  private leaseMs(): number {
    let longest = 0;
    for (const endpoint of this.options.registry.all()) longest = Math.max(longest, endpoint.breaker.requestTimeoutMs);
    // A claim may wait for a free slot for up to one request before its own request starts.
    return (longest || 10_000) * CLAIM_AHEAD + LEASE_MARGIN_MS;
  }

  private async probeHalfOpen(now: number): Promise<void> {
    for (const endpoint of this.options.registry.all()) {
      const s = endpoint.snapshot;
      if (s.state !== 'half_open' || (s.nextProbeAt !== null && s.nextProbeAt > now)) continue;
      const leaseMs = endpoint.breaker.requestTimeoutMs + LEASE_MARGIN_MS;
      const taken = await acquireProbe(endpoint.id, endpoint.breaker, now, {
        instanceId: this.options.instanceId,
        leaseMs,
        random: this.random,
        claim: (db, leaseUntil) => claimProbe(db, { endpointId: endpoint.id, now, leaseUntil, instanceId: this.options.instanceId }),
      });
      if (taken) this.launch(taken.claimed, taken.permit);
    }
  }

  private launch(delivery: ClaimedDelivery, permit: ProbePermit | null): void {
    const startedAt = this.options.clock();
    const promise = this.attempt(delivery, permit, startedAt)
      .catch((error) => logger().error({ ...errorFields(error), deliveryId: delivery.id }, 'attempt failed unexpectedly'))
      .finally(() => {
        this.inFlight.delete(delivery.id);
        this.busy.set(delivery.endpointId, (this.busy.get(delivery.endpointId) ?? 1) - 1);
        this.drain(delivery.endpointId);
        if (this.moreDue || this.pending.length >= RECORD_BATCH || this.options.registry.hasTripPending) this.wakeUp();
      });
    this.busy.set(delivery.endpointId, (this.busy.get(delivery.endpointId) ?? 0) + 1);
    this.inFlight.set(delivery.id, { endpointId: delivery.endpointId, startedAt, promise });
  }

  private async attempt(delivery: ClaimedDelivery, permit: ProbePermit | null, startedAt: number): Promise<void> {
    const registry = this.options.registry;
    const endpoint = registry.get(delivery.endpointId) ?? (await registry.reload([delivery.endpointId]), registry.get(delivery.endpointId));
    if (!endpoint) {
      this.releases.push(delivery.id);
      return;
    }
    const version = permit ? permit.version : endpoint.snapshot.version;
    // The breaker may have moved since the claim (a notification from another instance): a
    // claim that is no longer allowed goes back without an attempt.
    const state = registry.currentState(endpoint.id);
    const onFallback = delivery.route !== 'primary';
    const allowed = onFallback
      ? state !== null && state !== 'disabled' && endpoint.fallbackUrl !== null
      : permit !== null || (state !== null && ['closed', 'forced_closed', 'metrics_only'].includes(state));
    if (!allowed) {
      this.releases.push(delivery.id);
      return;
    }

    const result = await this.options.sender.send({
      url: onFallback ? endpoint.fallbackUrl! : endpoint.url,
      body: delivery.body,
      headers: attemptHeaders(delivery, endpoint, Date.now()),
      timeoutMs: endpoint.breaker.requestTimeoutMs,
    });
    const now = this.options.clock();
    const effects = attemptEffects({ delivery, endpoint, result, startedAt, now, wallNow: Date.now() }, this.random);
    recordAttempt({ endpointId: endpoint.id, tier: endpoint.tier, route: effects.attempt.route, outcome: effects.attempt.outcome, durationMs: result.durationMs, probeResult: permit ? effects.breaker : null });

    if (permit) {
      await finishProbe(permit, endpoint.breaker, effects.breaker, startedAt, now, { instanceId: this.options.instanceId, random: this.random });
      await registry.reload([endpoint.id]);
    } else if (!onFallback) {
      registry.recordOutcome(endpoint.id, version, effects.breaker, result.durationMs, now);
    }
    if (!onFallback && effects.pauseUntil !== null) await registry.pause(endpoint.id, effects.pauseUntil);
    if (!onFallback && effects.gone) await registry.markGone(endpoint.id);
    this.pending.push(effects);
    logger().debug(
      { deliveryId: delivery.id, endpointId: endpoint.id, attemptId: effects.attempt.id, status: result.status, outcome: effects.attempt.outcome, probe: delivery.probe },
      'attempt finished',
    );
  }

  /**
   * Waits for the previous write of results, rethrowing its failure. Then starts writing the
   * results gathered since without waiting for it, so the next claim runs meanwhile.
   */
  private async recordInBackground(): Promise<void> {
    const previous = this.recording;
    this.recording = null;
    if (previous) await previous;
    if (this.pending.length === 0 && this.releases.length === 0) return;
    const recording = this.recordPending();
    // The next cycle or stop() awaits this promise; the handler only keeps a rejection from
    // counting as unhandled before then.
    recording.catch(() => {});
    this.recording = recording;
  }

  private async recordPending(): Promise<void> {
    if (this.releases.length > 0) {
      const ids = this.releases.splice(0);
      await releaseClaims(this.options.db(), ids, this.options.instanceId);
    }
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 500);
      try {
        const { rejected } = await recordResults(this.options.db(), this.options.instanceId, batch);
        for (const { result, error } of rejected) {
          logger().error(
            { ...errorFields(error), deliveryId: result.update.id, attemptId: result.attempt.id },
            'attempt result could not be stored; the delivery is sent again when its lease ends',
          );
        }
      } catch (error) {
        // Keep the results for the next cycle; their claims stay leased to this instance.
        this.pending.unshift(...batch);
        throw error;
      }
    }
  }

  private slowInFlight(now: number): Map<string, number> {
    const slow = new Map<string, number>();
    for (const flight of this.inFlight.values()) {
      const endpoint = this.options.registry.get(flight.endpointId);
      if (endpoint && now - flight.startedAt >= endpoint.breaker.latencyThresholdMs) {
        slow.set(flight.endpointId, (slow.get(flight.endpointId) ?? 0) + 1);
      }
    }
    return slow;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
