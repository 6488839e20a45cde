import { config } from '../config/env';
import { observabilityConfig } from '../config/observability';
import { pool } from '../db/pool';
import { createSender } from '../delivery/sender';
import { appClock } from '../runtime/clock';
import { AlertEvaluator } from './evaluator';
import { AlertNotifier } from './notifier';

/** Starts this instance's alert evaluator, with the webhook notifier when one is configured. */
export function startAlerting(): AlertEvaluator {
  const cfg = observabilityConfig();
  const notifier =
    cfg.alertWebhookUrl && cfg.alertWebhookSecret
      ? new AlertNotifier({
          url: cfg.alertWebhookUrl,
          secret: cfg.alertWebhookSecret,
          sender: createSender({ allowPrivateTargets: config().allowPrivateTargets, connectionsPerOrigin: 2 }),
          db: pool,
          clock: appClock(),
        })
      : null;
  const evaluator = new AlertEvaluator({ db: pool, clock: appClock(), config: cfg, notifier });
  evaluator.start();
  notifier?.start();
  return evaluator;
}
