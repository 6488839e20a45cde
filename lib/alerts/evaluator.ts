// The periodic alert check that every dispatcher instance runs. The alerts table's unique
// partial index makes the instances agree on one alert per endpoint and kind.
import type { ObservabilityConfig } from '../config/observability';
import type { Db } from '../db/tx';
import { outcomeCountsByEndpoint } from '../slo/queries';
import { errorFields, logger } from '../telemetry/logger';
import { setEndpointCount } from '../telemetry/metrics';
import { readAvailability } from '../telemetry/shared-state';
import type { AlertNotifier } from './notifier';
import { budgetBurnDecisions, type Decisions, sustainedOpenDecisions } from './rules';
import { openAlertRefs, raiseAlert, resolveAlert } from './store';

export type EvaluatorOptions = {
  db: () => Db;
  clock: () => number;
  config: ObservabilityConfig;
  notifier: AlertNotifier | null;
};

const HOUR_MS = 3_600_000;
const FIVE_MINUTES_MS = 300_000;

export class AlertEvaluator {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private lastBurnCheck = Number.NEGATIVE_INFINITY;
  private consecutiveErrors = 0;

  constructor(private readonly options: EvaluatorOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
    logger().info({ evaluateMs: this.options.config.evaluateMs }, 'alert evaluator started');
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.options.notifier?.stop();
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.cycle(), delayMs);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    try {
      await this.evaluate(this.options.clock());
      this.consecutiveErrors = 0;
    } catch (error) {
      this.consecutiveErrors++;
      // Log the first failure and then every 20th, so a database outage does not flood the log.
      if (this.consecutiveErrors === 1 || this.consecutiveErrors % 20 === 0) {
        logger().error({ ...errorFields(error), consecutiveErrors: this.consecutiveErrors }, 'alert evaluation failed');
      }
    }
    this.schedule(this.options.config.evaluateMs);
  }

  /** Runs one evaluation at `now`: sustained-open every time, budget burn at its own period. */
  async evaluate(now: number): Promise<void> {
    const db = this.options.db();
    const cfg = this.options.config;
    const [endpoints, open] = await Promise.all([readAvailability(db, now), openAlertRefs(db)]);
    setEndpointCount(endpoints.length);
    await this.apply(sustainedOpenDecisions(endpoints, open, cfg.openLimitMs, now), now);

    if (now - this.lastBurnCheck < cfg.burnEvaluateMs) return;
    this.lastBurnCheck = now;
    const [lastHour, lastFiveMinutes] = await Promise.all([
      outcomeCountsByEndpoint(db, now - HOUR_MS, now + 1),
      outcomeCountsByEndpoint(db, now - FIVE_MINUTES_MS, now + 1),
    ]);
    const burn = budgetBurnDecisions(
      { endpoints, lastHour, lastFiveMinutes, objectives: cfg.objectives, threshold: cfg.burnRateThreshold, minAttempts: cfg.burnMinAttempts },
      open,
      now,
    );
    await this.apply(burn, now);
  }

  private async apply(decisions: Decisions, now: number): Promise<void> {
    for (const resolve of decisions.resolve) {
      const alert = await resolveAlert(resolve.id, resolve.details, now, this.options.notifier !== null);
      if (!alert) continue;
      logger().info({ alertId: alert.id, endpointId: alert.endpointId, kind: alert.kind }, 'alert resolved');
      this.options.notifier?.wake();
    }
    for (const raise of decisions.raise) {
      const alert = await raiseAlert(raise, now, this.options.notifier !== null);
      if (!alert) continue;
      logger().warn({ alertId: alert.id, endpointId: alert.endpointId, kind: alert.kind, tier: alert.tier, details: alert.details }, 'alert raised');
      this.options.notifier?.wake();
    }
  }
}
