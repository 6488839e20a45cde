import type { BreakerConfig } from './config';

/** Random source returning a number in [0, 1), like Math.random. Values outside are clamped. */
export type RandomSource = () => number;

/** Spread of the probe spacing around probeIntervalMs: ±20 %. */
export const PROBE_SPACING_JITTER = 0.2;

function jitterFactor(jitter: number, random: RandomSource): number {
  const sample = Math.min(1, Math.max(0, random()));
  return 1 - jitter + 2 * jitter * sample;
}

/**
 * Returns how long, in ms, the breaker stays open before probing: resetTimeoutMs doubled for
 * each consecutive failed recovery, capped at maxResetTimeoutMs, then scaled by a factor
 * drawn uniformly from [1 - resetJitter, 1 + resetJitter]. The result is never negative and
 * never above maxResetTimeoutMs * (1 + resetJitter).
 */
export function resetDelay(
  config: Pick<BreakerConfig, 'resetTimeoutMs' | 'maxResetTimeoutMs' | 'resetJitter'>,
  failedRecoveries: number,
  random: RandomSource,
): number {
  const doublings = Math.max(0, failedRecoveries);
  // 2 ** doublings grows to Infinity for large counts, which the cap absorbs.
  const base = Math.min(config.resetTimeoutMs * 2 ** doublings, config.maxResetTimeoutMs);
  return Math.max(0, Math.floor(base * jitterFactor(config.resetJitter, random)));
}

/** Returns the wait in ms before the next half-open probe: probeIntervalMs ± 20 %. */
export function probeSpacing(config: Pick<BreakerConfig, 'probeIntervalMs'>, random: RandomSource): number {
  return Math.max(0, Math.floor(config.probeIntervalMs * jitterFactor(PROBE_SPACING_JITTER, random)));
}

/**
 * Returns the delivery concurrency allowed at `now` for an endpoint whose breaker closed at
 * `closedSince`. It grows linearly from halfOpenMaxConcurrent to maxConcurrent over rampUpMs,
 * rounded down, so that the waiting backlog does not reach a recovering receiver all at once.
 */
export function rampUpLimit(
  config: Pick<BreakerConfig, 'halfOpenMaxConcurrent' | 'maxConcurrent' | 'rampUpMs'>,
  closedSince: number,
  now: number,
): number {
  const elapsed = now - closedSince;
  if (config.rampUpMs <= 0 || elapsed >= config.rampUpMs) return config.maxConcurrent;

  const progress = Math.max(0, elapsed) / config.rampUpMs;
  const span = config.maxConcurrent - config.halfOpenMaxConcurrent;
  return Math.max(config.halfOpenMaxConcurrent, Math.floor(config.halfOpenMaxConcurrent + span * progress));
}
