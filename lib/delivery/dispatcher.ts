import type pg from 'pg';

import { rampUpLimit } from '../breaker';
import type { CachedEndpoint } from '../registry/endpoint-cache';
import { DELIVERY_CHANNEL, localBus } from '../registry/notify';
import { acquireProbe, finishProbe, type ProbePermit } from '../registry/probes';
import type { BreakerRegistry } from '../registry/registry';
import { withTransaction } from '../db/tx';
import { errorFields, logger } from '../telemetry/logger';
import { recordAttempt } from '../telemetry/metrics';
import { attemptEffects, attemptHeaders, type AttemptEffects } from './attempt';
import { claimBatch, claimFallback, claimProbe, releaseClaims, type ClaimedDelivery } from './claim';
import { recordAttempts } from './record';
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
  /** Extra work run once per cycle, such as advancing replay jobs. */
  onCycle?: () => Promise<unknown>;
};

type InFlight = { endpointId: string; startedAt: number; promise: Promise<void> };

// A claim's lease covers the request timeout plus time to record the result.
const LEASE_MARGIN_MS = 5_000;
const RESYNC_MS = 1_000;
const RECORD_BATCH = 200;

/**
 * The delivery loop of one instance: claim due deliveries, send each through its endpoint's
 * breaker, record attempts in batches, and keep the breaker registry flushed and ticking.
 * Every failure inside a cycle is logged and the loop goes on after a pause; nothing claimed
 * is dropped, because an unrecorded claim returns when its lease expires.
 */
export class Dispatcher {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly pending: AttemptEffects[] = [];
  private readonly releases: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopping = false;
  private cycling = false;
  private lastFlush = 0;
  private lastResync = 0;
  private consecutiveErrors = 0;
  private readonly random: () => number;
  private readonly wake = (): void => this.schedule(0);

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
    await this.recordPending().catch((error) => logger().error(errorFields(error), 'recording results at stop failed'));
    const unfinished = [...this.inFlight.keys()];
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
    this.timer = setTimeout(() => void this.cycle(), delayMs);
  }

  private async cycle(): Promise<void> {
    if (this.cycling || this.stopping) return;
    this.cycling = true;
    let claimedFull = false;
    try {
      const now = this.options.clock();
      if (now - this.lastResync >= RESYNC_MS) {
        this.lastResync = now;
        await this.options.registry.resync();
      }
      await this.options.registry.tick(now);
      claimedFull = await this.claimAndSend(now);
      await this.probeHalfOpen(now);
      if (this.options.onCycle) await this.options.onCycle();
      await this.recordPending();
      if (now - this.lastFlush >= (this.options.flushMs ?? 250)) {
        this.lastFlush = now;
        await this.options.registry.flush(now, this.slowInFlight(now));
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
    this.schedule(backoff ?? (claimedFull || this.pending.length > 0 ? 5 : this.options.pollMs));
  }

  private capacities(now: number): Map<string, number> {
    const capacities = new Map<string, number>();
    const perEndpoint = new Map<string, number>();
    for (const flight of this.inFlight.values()) perEndpoint.set(flight.endpointId, (perEndpoint.get(flight.endpointId) ?? 0) + 1);
    for (const endpoint of this.options.registry.all()) {
      const limit = this.concurrencyLimit(endpoint, now);
      const busy = perEndpoint.get(endpoint.id) ?? 0;
      if (busy > 0 || limit !== endpoint.breaker.maxConcurrent) capacities.set(endpoint.id, Math.max(0, limit - busy));
    }
    return capacities;
  }

  private concurrencyLimit(endpoint: CachedEndpoint, now: number): number {
    const s = endpoint.snapshot;
    if (s.state === 'closed' && s.version > 0) return rampUpLimit(endpoint.breaker, s.since, now);
    return endpoint.breaker.maxConcurrent;
  }

  private async claimAndSend(now: number): Promise<boolean> {
    const room = (this.options.maxInFlight ?? 256) - this.inFlight.size;
    if (room <= 0) return false;
    const batchSize = Math.min(room, 200);
    const claimed = await claimBatch(this.options.db(), {
      now,
      leaseUntil: now + this.leaseMs(),
      instanceId: this.options.instanceId,
      batchSize,
      defaultCapacity: 16,
      capacities: this.capacities(now),
    });
    for (const delivery of claimed) this.launch(delivery, null);
    const fallbackRoom = Math.min((this.options.maxInFlight ?? 256) - this.inFlight.size, 100);
    const fallback =
      fallbackRoom > 0
        ? await claimFallback(this.options.db(), {
            now,
            leaseUntil: now + this.leaseMs(),
            instanceId: this.options.instanceId,
            batchSize: fallbackRoom,
            perEndpoint: 8,
          })
        : [];
    for (const delivery of fallback) this.launch(delivery, null);
    return claimed.length === batchSize || fallback.length === fallbackRoom;
  }

  private leaseMs(): number {
    let longest = 0;
    for (const endpoint of this.options.registry.all()) longest = Math.max(longest, endpoint.breaker.requestTimeoutMs);
    return (longest || 10_000) + LEASE_MARGIN_MS;
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
        if (this.pending.length >= RECORD_BATCH) this.schedule(0);
      });
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

  private async recordPending(): Promise<void> {
    if (this.releases.length > 0) {
      const ids = this.releases.splice(0);
      await releaseClaims(this.options.db(), ids, this.options.instanceId);
    }
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 500);
      try {
        await withTransaction((db) =>
          recordAttempts(
            db,
            this.options.instanceId,
            batch.map((e) => e.attempt),
            batch.map((e) => e.update),
          ),
        );
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
