// Sends alert notifications to SWITCHYARD_ALERT_WEBHOOK_URL, signed with Standard Webhooks
// headers, through a circuit breaker of its own so a dead alert receiver costs little. The
// notifications live in the alert_notifications table, written with the alert itself. So a
// crash or restart before sending loses none, and any instance may send them.
import type pg from 'pg';

import { CircuitBreaker, type BreakerConfigInput } from '../breaker';
import type { Sender } from '../delivery/sender';
import { USER_AGENT } from '../delivery/attempt';
import { standardWebhookHeaders } from '../delivery/signing';
import { errorFields, logger } from '../telemetry/logger';

const REQUEST_TIMEOUT_MS = 5_000;

// The alert receiver's breaker: trips after 3 calls in a minute of which half failed, probes
// again after 30 s (doubling up to 10 min), and closes on one good probe.
const NOTIFIER_BREAKER: BreakerConfigInput = {
  windowSeconds: 60,
  bucketSeconds: 10,
  minVolume: 3,
  failureRateThreshold: 0.5,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  resetTimeoutMs: 30_000,
  maxResetTimeoutMs: 600_000,
  successThreshold: 1,
  probeIntervalMs: 0,
};

const MAX_ATTEMPTS = 8;
// A claimed notification is held this long: the request timeout plus time to store the result.
const LEASE_SECONDS = 30;

export type NotifierOptions = {
  url: string;
  secret: string;
  sender: Sender;
  db: () => pg.Pool;
  clock: () => number;
  random?: () => number;
  /** How often an idle notifier looks for due notifications, in ms. */
  pollMs?: number;
  /** First retry delay in ms; it doubles per attempt up to 5 min. */
  baseDelayMs?: number;
  /** Settings that replace the breaker's defaults (tests use short timeouts). */
  breaker?: BreakerConfigInput;
};

type Claimed = { id: string; alert_id: string; event: string; body: Buffer; attempts: number };

/**
 * Sends stored alert notifications one at a time, retrying failures with exponential backoff
 * (1 s doubling to 5 min) up to 8 attempts. `webhook-id` is stable per alert and event, so a
 * receiver can drop duplicates. A resolve waits until its raise was sent or given up.
 */
export class AlertNotifier {
  private readonly breaker: CircuitBreaker;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private sending = false;

  constructor(private readonly options: NotifierOptions) {
    this.breaker = new CircuitBreaker(
      { ...NOTIFIER_BREAKER, ...options.breaker },
      {
        random: options.random,
        onTransition: (plan) =>
          logger().warn({ from: plan.transition.from, to: plan.transition.to, reason: plan.transition.reason }, 'alert webhook breaker transition'),
      },
    );
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Looks for due notifications now, after the caller stored one. */
  wake(): void {
    if (this.running && !this.sending) this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.drain().catch((error) => {
        logger().error(errorFields(error), 'alert notification failed unexpectedly');
        this.schedule(this.options.pollMs ?? 1_000);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.running) {
        const item = await this.claim();
        if (!item) return this.schedule(this.options.pollMs ?? 1_000);
        const now = this.options.clock();
        const admission = this.breaker.tryAcquire(now);
        if (admission.kind === 'wait') {
          // Hand the notification back, so it waits without spending an attempt.
          await this.options.db().query('UPDATE alert_notifications SET lease_until = NULL WHERE id = $1', [item.id]);
          return this.schedule(Math.max(100, (admission.until ?? now + 1_000) - now));
        }
        await this.sendOne(item, now);
      }
    } finally {
      this.sending = false;
    }
  }

  /** Leases the oldest due notification; a resolve waits while its raise is still unsent. */
  private async claim(): Promise<Claimed | null> {
    const result = await this.options.db().query<Claimed>(
      `UPDATE alert_notifications n SET lease_until = now() + make_interval(secs => $1)
        WHERE n.id = (
          SELECT c.id FROM alert_notifications c
           WHERE c.sent_at IS NULL AND c.failed_at IS NULL AND c.next_attempt_at <= now()
             AND (c.lease_until IS NULL OR c.lease_until < now())
             AND NOT (c.event = 'alert.resolved' AND EXISTS (
                   SELECT 1 FROM alert_notifications r
                    WHERE r.alert_id = c.alert_id AND r.event = 'alert.raised' AND r.sent_at IS NULL AND r.failed_at IS NULL))
           ORDER BY c.next_attempt_at, c.created_at
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
        RETURNING n.id, n.alert_id, n.event, n.body, n.attempts`,
      [LEASE_SECONDS],
    );
    return result.rows[0] ?? null;
  }

  private async sendOne(item: Claimed, startedAt: number): Promise<void> {
    const result = await this.options.sender.send({
      url: this.options.url,
      body: item.body,
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...standardWebhookHeaders({ id: item.id, timestampSeconds: Math.floor(Date.now() / 1000), body: item.body, secret: this.options.secret }),
      },
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    const now = this.options.clock();
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const rejected = result.status !== null && result.status >= 400 && result.status < 500 && result.status !== 408 && result.status !== 429;
    // A deliberate 4xx means the receiver is up: good for the breaker, but not worth a retry.
    this.breaker.record(ok || rejected ? 'success' : 'failure', startedAt, result.durationMs, now);
    const attempts = item.attempts + 1;
    const fields = { alertId: item.alert_id, event: item.event, attempt: attempts, status: result.status };
    const error = ok ? null : (result.errorMessage ?? `HTTP ${result.status}`);
    const db = this.options.db();
    if (ok) {
      await db.query(`UPDATE alert_notifications SET sent_at = now(), attempts = $2, lease_until = NULL, last_error = NULL WHERE id = $1`, [item.id, attempts]);
      logger().info(fields, 'alert notification sent');
    } else if (rejected || attempts >= MAX_ATTEMPTS) {
      await db.query(`UPDATE alert_notifications SET failed_at = now(), attempts = $2, lease_until = NULL, last_error = $3 WHERE id = $1`, [item.id, attempts, error]);
      logger().error({ ...fields, err: { message: error } }, 'alert notification failed; giving up');
    } else {
      const retryInMs = Math.min(300_000, (this.options.baseDelayMs ?? 1_000) * 2 ** (attempts - 1));
      await db.query(
        `UPDATE alert_notifications SET attempts = $2, lease_until = NULL, last_error = $3,
                next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1`,
        [item.id, attempts, error, retryInMs / 1000],
      );
      logger().warn({ ...fields, err: { message: error }, retryInMs }, 'alert notification failed; retrying');
    }
  }
}
