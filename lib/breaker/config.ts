import { z } from 'zod';

/** Maximum number of buckets in the sliding window, because each bucket carries its own histogram. */
export const MAX_WINDOW_BUCKETS = 60;

/** Formats the rejected value for an error message. */
function got(input: unknown): string {
  return `got ${typeof input === 'string' ? `"${input}"` : String(input)}`;
}

function wholeNumber(name: string, unit: string, min: number, max: number, fallback: number) {
  const range = `${name} must be a whole number of ${unit} from ${min} to ${max}`;
  const error = (issue: { input?: unknown }) => `${range}; ${got(issue.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
}

function fraction(name: string, range: string, isValid: (value: number) => boolean, fallback: number) {
  const error = (issue: { input?: unknown }) => `${name} must be a number ${range}; ${got(issue.input)}`;
  return z.number({ error }).refine(isValid, { error }).default(fallback);
}

const percentileRule = 'latencyPercentile must be a fraction from 0.5 to 0.999, or a string such as "p95" or "p99"';
const percentileError = (issue: { input?: unknown }) => `${percentileRule}; ${got(issue.input)}`;

/** Accepts 0.95 or "p95" (also "p99.9") and outputs the fraction. */
const latencyPercentile = z
  .union([z.number(), z.string()], { error: percentileError })
  .transform((value, context) => {
    if (typeof value === 'number') return value;

    const match = /^p(\d+(?:\.\d+)?)$/i.exec(value.trim());
    // Rounding removes the binary error of the division, so that "p99.9" gives exactly 0.999.
    const fractionValue = match ? Math.round(Number(match[1]) * 1e4) / 1e6 : NaN;
    if (!(fractionValue >= 0.5 && fractionValue <= 0.999)) {
      context.addIssue({ code: 'custom', message: `${percentileRule}; ${got(value)}` });
      return z.NEVER;
    }
    return fractionValue;
  })
  .pipe(z.number().min(0.5, { error: percentileError }).max(0.999, { error: percentileError }))
  .default(0.95);

const MAX_MS = 24 * 60 * 60 * 1000;
const MAX_LATENCY_THRESHOLD_MS = 55_000;

/**
 * Per-endpoint breaker settings. Every field is optional on input and gets its default,
 * unknown fields are rejected, and each error message names the field and the valid range.
 */
export const BreakerConfigSchema = z
  .strictObject(
    {
      windowSeconds: wholeNumber('windowSeconds', 'seconds', 1, 3600, 60),
      bucketSeconds: wholeNumber('bucketSeconds', 'seconds', 1, 3600, 10),
      minVolume: wholeNumber('minVolume', 'calls', 1, 1_000_000, 20),
      failureRateThreshold: fraction(
        'failureRateThreshold',
        'above 0 and at most 1 (0.5 trips when half the calls fail)',
        (value) => value > 0 && value <= 1,
        0.5,
      ),
      latencyPercentile,
      // The latency histogram ends at 60 s and reports its last bin as about 57 s, so a
      // higher threshold could never trip.
      latencyThresholdMs: wholeNumber('latencyThresholdMs', 'milliseconds', 1, MAX_LATENCY_THRESHOLD_MS, 2000),
      requestTimeoutMs: wholeNumber('requestTimeoutMs', 'milliseconds', 1, MAX_MS, 10_000),
      resetTimeoutMs: wholeNumber('resetTimeoutMs', 'milliseconds', 1, MAX_MS, 30_000),
      maxResetTimeoutMs: wholeNumber('maxResetTimeoutMs', 'milliseconds', 1, MAX_MS, 600_000),
      resetJitter: fraction(
        'resetJitter',
        'from 0 to 1 (0.2 spreads the reset timeout by ±20 %)',
        (value) => value >= 0 && value <= 1,
        0.2,
      ),
      halfOpenMaxConcurrent: wholeNumber('halfOpenMaxConcurrent', 'probes', 1, 3, 1),
      successThreshold: wholeNumber('successThreshold', 'probes', 1, 100, 3),
      probeIntervalMs: wholeNumber('probeIntervalMs', 'milliseconds', 0, MAX_MS, 1000),
      maxHalfOpenMs: wholeNumber('maxHalfOpenMs', 'milliseconds', 1, MAX_MS, 120_000),
      rampUpMs: wholeNumber('rampUpMs', 'milliseconds', 0, MAX_MS, 30_000),
      maxConcurrent: wholeNumber('maxConcurrent', 'requests', 1, 256, 16),
    },
    {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') {
          const keys = issue.keys.map((key) => `"${key}"`).join(', ');
          return `unknown breaker setting ${keys}; remove it or check its spelling`;
        }
        if (issue.code === 'invalid_type') return `breaker settings must be an object; ${got(issue.input)}`;
        return undefined;
      },
    },
  )
  .superRefine((config, context) => {
    if (config.windowSeconds % config.bucketSeconds !== 0) {
      context.addIssue({
        code: 'custom',
        path: ['bucketSeconds'],
        message: `bucketSeconds must divide windowSeconds (${config.windowSeconds}); got ${config.bucketSeconds}`,
      });
    } else if (config.windowSeconds / config.bucketSeconds > MAX_WINDOW_BUCKETS) {
      const smallest = Math.ceil(config.windowSeconds / MAX_WINDOW_BUCKETS);
      context.addIssue({
        code: 'custom',
        path: ['bucketSeconds'],
        message:
          `windowSeconds / bucketSeconds must be at most ${MAX_WINDOW_BUCKETS} buckets; ` +
          `raise bucketSeconds to at least ${smallest} or shorten windowSeconds`,
      });
    }

    if (config.maxResetTimeoutMs < config.resetTimeoutMs) {
      context.addIssue({
        code: 'custom',
        path: ['maxResetTimeoutMs'],
        message: `maxResetTimeoutMs must be at least resetTimeoutMs (${config.resetTimeoutMs}); got ${config.maxResetTimeoutMs}`,
      });
    }

    if (config.maxConcurrent < config.halfOpenMaxConcurrent) {
      context.addIssue({
        code: 'custom',
        path: ['maxConcurrent'],
        message:
          `maxConcurrent must be at least halfOpenMaxConcurrent (${config.halfOpenMaxConcurrent}), ` +
          `because ramp-up grows concurrency from one to the other; got ${config.maxConcurrent}`,
      });
    }
  });

export type BreakerConfig = z.output<typeof BreakerConfigSchema>;
/** Settings as accepted on input: every field optional, latencyPercentile also as "p95". */
export type BreakerConfigInput = z.input<typeof BreakerConfigSchema>;

export const DEFAULT_BREAKER_CONFIG: Readonly<BreakerConfig> = Object.freeze(BreakerConfigSchema.parse({}));

/** Validates breaker settings and fills in defaults. `undefined` counts as no settings. */
export function parseBreakerConfig(input: unknown) {
  return BreakerConfigSchema.safeParse(input ?? {});
}
