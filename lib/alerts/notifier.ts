// Sends alert notifications to SWITCHYARD_ALERT_WEBHOOK_URL, signed with Standard Webhooks
// headers, through a circuit breaker of its own so a dead alert receiver costs little.
import { CircuitBreaker } from '../breaker';
import type { Sender } from '../delivery/sender';
import { USER_AGENT } from '../delivery/attempt';
import { standardWebhookHeaders } from '../delivery/signing';
import { errorFields, logger } from '../telemetry/logger';
import type { AlertView } from './store';

export type AlertEvent = 'alert.raised' | 'alert.resolved';

type Pending = { id: string; body: Uint8Array; alertId: string; event: AlertEvent; attempts: number; notBefore: number };

// The alert receiver's breaker: trips after 3 calls in a minute of which half failed, probes
// again after 30 s (doubling up to 10 min), and closes on one good probe.
const NOTIFIER_BREAKER = {
  windowSeconds: 60,
  bucketSeconds: 10,
  minVolume: 3,
  failureRateThreshold: 0.5,
  requestTimeoutMs: 5_000,
  resetTimeoutMs: 30_000,
  maxResetTimeoutMs: 600_000,
  successThreshold: 1,
  probeIntervalMs: 0,
};

const MAX_ATTEMPTS = 8;
const MAX_QUEUED = 1_000;

/**
 * Queues alert notifications in memory and sends them one at a time, retrying failures with
 * exponential backoff (1 s doubling to 5 min) up to 8 attempts. `webhook-id` is stable per
 * alert and event, so a receiver can drop duplicates.
 *
 * NOTE: the queue lives in this process only; notifications still queued when it stops are
 * lost. The alert itself stays in the alerts table and the console.
 */
export class AlertNotifier {
  private readonly queue: Pending[] = [];
  private readonly breaker: CircuitBreaker;
  private timer: NodeJS.Timeout | null = null;
  private sending = false;

  constructor(
    private readonly options: { url: string; secret: string; sender: Sender; clock: () => number; random?: () => number },
  ) {
    this.breaker = new CircuitBreaker(NOTIFIER_BREAKER, {
      random: options.random,
      onTransition: (plan) =>
        logger().warn({ from: plan.transition.from, to: plan.transition.to, reason: plan.transition.reason }, 'alert webhook breaker transition'),
    });
  }

  enqueue(event: AlertEvent, alert: AlertView): void {
    if (this.queue.length >= MAX_QUEUED) {
      const dropped = this.queue.shift()!;
      logger().warn({ alertId: dropped.alertId, event: dropped.event, queued: MAX_QUEUED }, 'alert notification queue full; dropped the oldest');
    }
    const payload = { type: event, timestamp: new Date().toISOString(), data: alert };
    this.queue.push({
      id: `${alert.id}.${event === 'alert.raised' ? 'raised' : 'resolved'}`,
      body: Buffer.from(JSON.stringify(payload)),
      alertId: alert.id,
      event,
      attempts: 0,
      notBefore: 0,
    });
    this.schedule(0);
  }

  get queued(): number {
    return this.queue.length;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.drain().catch((error) => logger().error(errorFields(error), 'alert notification failed unexpectedly'));
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const now = this.options.clock();
        const next = this.queue[0];
        if (next.notBefore > now) return this.schedule(next.notBefore - now);
        const admission = this.breaker.tryAcquire(now);
        if (admission.kind === 'wait') return this.schedule(Math.max(100, (admission.until ?? now + 1_000) - now));
        await this.sendOne(next, now);
      }
    } finally {
      this.sending = false;
    }
  }

  private async sendOne(item: Pending, startedAt: number): Promise<void> {
    const result = await this.options.sender.send({
      url: this.options.url,
      body: item.body,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...standardWebhookHeaders({ id: item.id, timestampSeconds: Math.floor(Date.now() / 1000), body: item.body, secret: this.options.secret }),
      },
      timeoutMs: NOTIFIER_BREAKER.requestTimeoutMs,
    });
    const now = this.options.clock();
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const rejected = result.status !== null && result.status >= 400 && result.status < 500 && result.status !== 408 && result.status !== 429;
    // A deliberate 4xx means the receiver is up: good for the breaker, but not worth a retry.
    this.breaker.record(ok || rejected ? 'success' : 'failure', startedAt, result.durationMs, now);
    item.attempts++;
    const fields = { alertId: item.alertId, event: item.event, attempt: item.attempts, status: result.status };
    if (ok) {
      this.queue.shift();
      logger().info(fields, 'alert notification sent');
    } else if (rejected || item.attempts >= MAX_ATTEMPTS) {
      this.queue.shift();
      logger().error({ ...fields, err: { message: result.errorMessage ?? `HTTP ${result.status}` } }, 'alert notification failed; giving up');
    } else {
      item.notBefore = now + Math.min(300_000, 1_000 * 2 ** (item.attempts - 1));
      logger().warn({ ...fields, err: { message: result.errorMessage ?? `HTTP ${result.status}` }, retryInMs: item.notBefore - now }, 'alert notification failed; retrying');
    }
  }
}
