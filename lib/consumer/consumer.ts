import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type pino from 'pino';

import { CircuitBreaker } from '../breaker/circuit-breaker';
import { monotonicClock } from '../breaker/clock';
import type { BreakerConfigInput } from '../breaker/config';
import type { TransitionPlan } from '../breaker/types';
import { createSender, type Sender } from '../delivery/sender';
import { errorFields, logger as appLogger } from '../telemetry/logger';
import { handOff, messageKey } from './handoff';

export type ConsumerOptions = {
  /** An open AMQP connection; the consumer opens its own channel on it and closes only that. */
  connection: ChannelModel;
  queue: string;
  /** The HTTP endpoint every message is POSTed to. */
  targetUrl: string;
  /** Breaker settings, validated and defaulted as for an endpoint. */
  breaker?: BreakerConfigInput;
  /** Unacknowledged messages the broker may send at once while closed. Defaults to breaker maxConcurrent. */
  prefetch?: number;
  /** Time a rejected message is held before it is requeued, in ms (default 1000). */
  requeueDelayMs?: number;
  /** Standard Webhooks secret ("whsec_…"). Requests are unsigned without one. */
  signingSecret?: string;
  /** Lets the target be a loopback or private address (tests, local setups). */
  allowPrivateTargets?: boolean;
  clock?: () => number;
  sender?: Sender;
  logger?: pino.Logger;
  onTransition?: (plan: TransitionPlan) => void;
};

/**
 * Consumption mode. `flowing` is a consumer with the full prefetch, and `probing` one with a
 * prefetch of halfOpenMaxConcurrent while the breaker is half-open. `paused` has no consumer,
 * so messages wait in the queue.
 */
export type ConsumptionMode = 'flowing' | 'probing' | 'paused' | 'stopped';

// A wait without an end time (an operator state without expiry) is checked again this often.
const RECHECK_MS = 1_000;

/**
 * Consumes one RabbitMQ queue and hands each message to an HTTP target through a
 * CircuitBreaker. A message is acknowledged only after the target returned 2xx, and any
 * other result nacks it with requeue after `requeueDelayMs`. While the breaker is open, forced
 * open, disabled or throttled, the consumer is cancelled and every message it held goes back
 * to the queue. At the breaker's probe time it consumes again with a prefetch of
 * halfOpenMaxConcurrent, and once the probes close the breaker, with the full prefetch.
 *
 * NOTE: a message that the target always rejects with a non-2xx status is requeued forever.
 * Bound redeliveries on the broker, for example a quorum queue with x-delivery-limit and a
 * dead-letter exchange.
 */
export class BreakerConsumer {
  readonly breaker: CircuitBreaker;
  private readonly clock: () => number;
  private readonly sender: Sender;
  private readonly ownsSender: boolean;
  private readonly log: pino.Logger;
  private readonly prefetch: number;
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private currentMode: ConsumptionMode = 'stopped';
  /** Mode changes run one after another, in the order requested. */
  private modeChange: Promise<void> = Promise.resolve();
  /** Delivered messages not yet handed on, oldest first. */
  private readonly backlog: ConsumeMessage[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  /** Set by stop(): from then on nothing starts consuming again. */
  private stopping = false;
  private acked = 0;

  constructor(private readonly options: ConsumerOptions) {
    this.clock = options.clock ?? monotonicClock();
    this.sender = options.sender ?? createSender({ allowPrivateTargets: options.allowPrivateTargets ?? false });
    this.ownsSender = !options.sender;
    this.log = (options.logger ?? appLogger()).child({ queue: options.queue });
    this.breaker = new CircuitBreaker(options.breaker ?? {}, { onTransition: (plan) => this.onTransition(plan) });
    this.prefetch = options.prefetch ?? this.breaker.config.maxConcurrent;
  }

  get mode(): ConsumptionMode {
    return this.currentMode;
  }

  /** Messages acknowledged since start. */
  get acknowledged(): number {
    return this.acked;
  }

  async start(): Promise<void> {
    this.channel = await this.options.connection.createChannel();
    this.channel.on('error', (error: Error) => this.log.error(errorFields(error), 'consumer channel failed'));
    this.channel.on('close', () => {
      if (!this.stopping) this.log.error('consumer channel closed unexpectedly, so consumption stopped');
      this.stopping = true;
      this.currentMode = 'stopped';
      this.consumerTag = null;
      this.channel = null;
    });
    await this.channel.checkQueue(this.options.queue);
    this.log.info({ target: this.options.targetUrl, prefetch: this.prefetch }, 'consumer started');
    await this.reconcile();
  }

  /**
   * Stops consuming, waits up to `graceMs` for hand-offs in flight, requeues the messages not
   * yet handed on and closes the channel. The connection stays open.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.setMode('stopped');
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(graceMs)]);
    const channel = this.channel;
    this.channel = null;
    await channel?.close().catch(() => {});
    if (this.ownsSender) await this.sender.close();
    this.log.info({ acknowledged: this.acked }, 'consumer stopped');
  }

  private onTransition(plan: TransitionPlan): void {
    const { from, to, reason } = plan.transition;
    this.log.info({ from, to, reason }, 'consumer breaker transition');
    this.options.onTransition?.(plan);
    void this.reconcile();
  }

  /** Returns the consumption mode for the breaker's state at `now`. */
  private modeFor(now: number): ConsumptionMode {
    const s = this.breaker.snapshot();
    if (s.pausedUntil !== null && s.pausedUntil > now) return 'paused';
    switch (s.state) {
      case 'closed':
      case 'forced_closed':
      case 'metrics_only':
        return 'flowing';
      case 'half_open':
        return 'probing';
      default:
        return 'paused';
    }
  }

  /**
   * Brings consumption in line with the breaker. While paused, a timer checks again at the
   * time the breaker names (probe time, pause end or operator expiry), or every RECHECK_MS.
   */
  private async reconcile(): Promise<void> {
    if (this.stopping) return;
    const now = this.clock();
    this.breaker.tick(now);
    const mode = this.modeFor(now);
    await this.setMode(mode);
    if (mode !== 'paused') return;

    const until = this.resumeAt(now);
    this.scheduleCheck(until === null ? RECHECK_MS : Math.max(0, until - now));
  }

  /** Returns when a paused consumer may consume again, or null when the breaker names no time. */
  private resumeAt(now: number): number | null {
    const s = this.breaker.snapshot();
    if (s.pausedUntil !== null && s.pausedUntil > now) return s.pausedUntil;
    if (s.state === 'open') return s.probeAt;
    return s.expiresAt;
  }

  private scheduleCheck(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reconcile().catch((error) => this.log.error(errorFields(error), 'consumer could not resume'));
    }, delayMs);
  }

  private setMode(mode: ConsumptionMode): Promise<void> {
    this.modeChange = this.modeChange.then(() => this.applyMode(mode)).catch((error) => {
      this.log.error({ ...errorFields(error), mode }, 'consumer mode change failed');
    });
    return this.modeChange;
  }

  private async applyMode(mode: ConsumptionMode): Promise<void> {
    const channel = this.channel;
    if (!channel || mode === this.currentMode || (this.stopping && mode !== 'stopped')) return;
    const previous = this.currentMode;
    this.currentMode = mode;

    // The consumer is cancelled first. After cancel-ok the broker sends nothing more, so the
    // messages requeued below cannot come straight back to this consumer.
    if (this.consumerTag) {
      await channel.cancel(this.consumerTag);
      this.consumerTag = null;
    }
    if (mode === 'paused' || mode === 'stopped') {
      for (const message of this.backlog.splice(0)) channel.nack(message, false, true);
      if (mode === 'paused') this.log.info({ from: previous, state: this.breaker.snapshot().state }, 'consumer paused');
      return;
    }

    // The prefetch applies to consumers started after it is set.
    const prefetch = mode === 'probing' ? this.breaker.config.halfOpenMaxConcurrent : this.prefetch;
    await channel.prefetch(prefetch);
    const reply = await channel.consume(this.options.queue, (message) => this.onMessage(message), { noAck: false });
    this.consumerTag = reply.consumerTag;
    this.log.info({ from: previous, mode, prefetch }, 'consumer resumed');
  }

  private onMessage(message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer, for example because the queue was deleted.
      this.log.error('consumer cancelled by the broker, so consumption stopped until the consumer is restarted');
      this.stopping = true;
      this.consumerTag = null;
      this.currentMode = 'stopped';
      return;
    }
    this.backlog.push(message);
    this.pump();
  }

  /** Starts hand-offs for backlog messages while the breaker admits them. */
  private pump(): void {
    while (this.backlog.length > 0 && (this.currentMode === 'flowing' || this.currentMode === 'probing')) {
      const now = this.clock();
      this.breaker.tick(now);
      // Half-open admits probes through tryAcquire. Otherwise the breaker's concurrency limit
      // applies. It ramps up after closing and is 0 while nothing may be sent.
      const limit = this.breaker.concurrencyLimit(now);
      if (this.breaker.snapshot().state !== 'half_open' && this.inFlight.size >= limit) {
        // The next hand-off to finish pumps again. A limit of 0 means the breaker sends
        // nothing, and reconcile pauses consumption.
        if (limit === 0) void this.reconcile();
        return;
      }

      const admission = this.breaker.tryAcquire(now);
      if (admission.kind === 'wait') {
        if (admission.reason === 'half_open_busy' || admission.reason === 'probe_spacing') {
          // Hold the message, because the running probe or the probe spacing ends soon.
          if (admission.until !== null) this.schedulePump(Math.max(1, admission.until - now));
          return;
        }
        void this.reconcile();
        return;
      }

      const message = this.backlog.shift()!;
      const handoff = this.handOne(message, now)
        .catch((error) => this.log.error({ ...errorFields(error), messageId: message.properties.messageId }, 'hand-off failed unexpectedly'))
        .finally(() => {
          this.inFlight.delete(handoff);
          this.pump();
        });
      this.inFlight.add(handoff);
    }
  }

  private schedulePump(delayMs: number): void {
    setTimeout(() => this.pump(), delayMs).unref();
  }

  /** Hands one message on, then acks it after a 2xx or nacks it with requeue. */
  private async handOne(message: ConsumeMessage, startedAt: number): Promise<void> {
    const channel = this.channel;
    const queued = { body: message.content, messageId: message.properties.messageId, contentType: message.properties.contentType };
    const key = messageKey(queued);
    const result = await handOff(this.sender, {
      url: this.options.targetUrl,
      message: queued,
      timeoutMs: this.breaker.config.requestTimeoutMs,
      signingSecret: this.options.signingSecret,
    });
    const now = this.clock();
    const { classification } = result;
    if (classification.pauseMs !== undefined) this.breaker.pause(classification.pauseMs, now);
    this.breaker.record(classification.breaker, startedAt, result.durationMs, now);

    if (!channel || channel !== this.channel) {
      // The channel closed meanwhile, and the broker has already requeued the message.
      this.log.warn({ messageId: key }, 'hand-off finished after the channel closed; the broker requeued the message');
      return;
    }
    if (classification.delivery === 'delivered') {
      channel.ack(message);
      this.acked++;
      return;
    }

    this.log.debug({ messageId: key, status: result.status, error: result.error, outcome: classification.label }, 'hand-off failed, requeueing the message');
    await sleep(this.options.requeueDelayMs ?? 1_000);
    if (channel === this.channel) channel.nack(message, false, true);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
