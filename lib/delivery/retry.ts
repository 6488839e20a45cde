import { z } from 'zod';

export const RetryConfigSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).default(8),
    baseDelayMs: z.number().int().min(10).max(3_600_000).default(1_000),
    maxDelayMs: z.number().int().min(10).max(86_400_000).default(600_000),
    // A delivery older than this is dead-lettered at its next failure, whatever its attempts.
    maxAgeMs: z.number().int().min(1_000).max(30 * 86_400_000).default(3 * 86_400_000),
  })
  .strict()
  .refine((r) => r.maxDelayMs >= r.baseDelayMs, {
    message: 'maxDelayMs must be at least baseDelayMs',
    path: ['maxDelayMs'],
  });

export type RetryConfig = z.infer<typeof RetryConfigSchema>;

export const DEFAULT_RETRY_CONFIG: RetryConfig = RetryConfigSchema.parse({});

/**
 * Delay before the next attempt after `attempts` failed ones: exponential backoff with full
 * jitter, a uniform draw from [0, min(maxDelay, base * 2^(attempts-1))], never below 10 ms.
 */
export function retryDelay(config: RetryConfig, attempts: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 30);
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** exponent);
  return Math.max(10, Math.floor(random() * ceiling));
}

export type RetryDecision = { kind: 'retry'; at: number } | { kind: 'dead'; reason: 'max_attempts' | 'max_age' };

/** Decides what follows a failed attempt: another try at a time, or a dead letter. */
export function afterFailure(
  config: RetryConfig,
  input: { attempts: number; createdAt: number; now: number },
  random: () => number = Math.random,
): RetryDecision {
  if (input.attempts >= config.maxAttempts) return { kind: 'dead', reason: 'max_attempts' };
  if (input.now - input.createdAt >= config.maxAgeMs) return { kind: 'dead', reason: 'max_age' };
  return { kind: 'retry', at: input.now + retryDelay(config, input.attempts, random) };
}
