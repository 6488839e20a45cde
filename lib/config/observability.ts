import { z } from 'zod';

/** Fraction strictly between 0 and 1, such as 0.999 for 99.9 %. */
const objective = z.coerce
  .number()
  .gt(0, { error: 'must be a fraction above 0 and below 1, such as 0.999 for 99.9 %' })
  .lt(1, { error: 'must be a fraction above 0 and below 1, such as 0.999 for 99.9 %' });

const ObservabilityEnvSchema = z
  .object({
    // Availability objectives per tier over the SLO window.
    SWITCHYARD_SLO_CRITICAL: objective.default(0.999),
    SWITCHYARD_SLO_STANDARD: objective.default(0.99),
    SWITCHYARD_SLO_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    // How long a breaker may stay unavailable (open, half-open or forced open) before an alert.
    SWITCHYARD_ALERT_OPEN_CRITICAL_SECONDS: z.coerce.number().min(0.1).max(86_400).default(300),
    SWITCHYARD_ALERT_OPEN_STANDARD_SECONDS: z.coerce.number().min(0.1).max(86_400).default(900),
    // Error-budget burn rate that raises a budget_burn alert when both the 1 h and 5 min
    // windows reach it, and the attempts the 1 h window needs before it is judged.
    SWITCHYARD_ALERT_BURN_RATE: z.coerce.number().positive().default(14.4),
    SWITCHYARD_ALERT_BURN_MIN_ATTEMPTS: z.coerce.number().int().min(1).default(20),
    // Evaluator period, and the period of the budget-burn check inside it, in ms.
    SWITCHYARD_ALERT_EVALUATE_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
    SWITCHYARD_ALERT_BURN_EVALUATE_MS: z.coerce.number().int().min(50).max(3_600_000).default(30_000),
    SWITCHYARD_ALERT_WEBHOOK_URL: z.string().url().optional(),
    SWITCHYARD_ALERT_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, { error: 'must be a Standard Webhooks secret: "whsec_" then at least 16 base64 characters' })
      .optional(),
    // Above this many endpoints, metrics drop the endpoint label and aggregate per tier.
    SWITCHYARD_METRICS_MAX_ENDPOINTS: z.coerce.number().int().min(0).max(100_000).default(500),
    // How long the gauges read from Postgres are reused before the next query, in ms.
    SWITCHYARD_METRICS_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(100).default(60_000),
  })
  .refine((env) => !env.SWITCHYARD_ALERT_WEBHOOK_URL || env.SWITCHYARD_ALERT_WEBHOOK_SECRET, {
    path: ['SWITCHYARD_ALERT_WEBHOOK_SECRET'],
    error: 'is required when SWITCHYARD_ALERT_WEBHOOK_URL is set, so receivers can verify alert notifications',
  });

export type Tier = 'critical' | 'standard';

export type ObservabilityConfig = {
  objectives: Record<Tier, number>;
  sloWindowDays: number;
  /** Maximum time a breaker may stay unavailable before a sustained_open alert, in ms. */
  openLimitMs: Record<Tier, number>;
  burnRateThreshold: number;
  burnMinAttempts: number;
  evaluateMs: number;
  burnEvaluateMs: number;
  alertWebhookUrl: string | undefined;
  alertWebhookSecret: string | undefined;
  metricsMaxEndpoints: number;
  metricsCacheMs: number;
  otlpEndpoint: string | undefined;
  otlpIntervalMs: number;
};

/** Parses the SLO, alert and metrics settings; a bad value throws naming the variable. */
export function loadObservabilityConfig(env: NodeJS.ProcessEnv = process.env): ObservabilityConfig {
  // Empty strings count as unset, as shells and compose files often export them that way.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = ObservabilityEnvSchema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${issues.join('; ')}`);
  }
  const e = parsed.data;
  return {
    objectives: { critical: e.SWITCHYARD_SLO_CRITICAL, standard: e.SWITCHYARD_SLO_STANDARD },
    sloWindowDays: e.SWITCHYARD_SLO_WINDOW_DAYS,
    openLimitMs: {
      critical: Math.round(e.SWITCHYARD_ALERT_OPEN_CRITICAL_SECONDS * 1000),
      standard: Math.round(e.SWITCHYARD_ALERT_OPEN_STANDARD_SECONDS * 1000),
    },
    burnRateThreshold: e.SWITCHYARD_ALERT_BURN_RATE,
    burnMinAttempts: e.SWITCHYARD_ALERT_BURN_MIN_ATTEMPTS,
    evaluateMs: e.SWITCHYARD_ALERT_EVALUATE_MS,
    burnEvaluateMs: e.SWITCHYARD_ALERT_BURN_EVALUATE_MS,
    alertWebhookUrl: e.SWITCHYARD_ALERT_WEBHOOK_URL,
    alertWebhookSecret: e.SWITCHYARD_ALERT_WEBHOOK_SECRET,
    metricsMaxEndpoints: e.SWITCHYARD_METRICS_MAX_ENDPOINTS,
    metricsCacheMs: e.SWITCHYARD_METRICS_CACHE_MS,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    otlpIntervalMs: e.OTEL_METRIC_EXPORT_INTERVAL,
  };
}

let cached: ObservabilityConfig | undefined;

export function observabilityConfig(): ObservabilityConfig {
  cached ??= loadObservabilityConfig();
  return cached;
}

/** The tier an endpoint row names; anything unknown is treated as standard. */
export function asTier(value: string): Tier {
  return value === 'critical' ? 'critical' : 'standard';
}
