import type { BreakerConfig } from './config';
import { HISTOGRAM_BINS, binIndex, binMiddle, percentileOf } from './histogram';
import type { WindowFigures } from './types';
import type { WindowStatsView } from './window';

export type TripConfig = Pick<
  BreakerConfig,
  'minVolume' | 'failureRateThreshold' | 'latencyPercentile' | 'latencyThresholdMs' | 'windowSeconds'
>;

export type TripReason = 'failure_rate' | 'latency';

export type TripDecision = { reason: TripReason; figures: WindowFigures };

/**
 * Returns the histogram with `slowInFlight` calls added at the latency threshold, copying it
 * only when there is something to add.
 */
function histogramWithInFlight(
  stats: WindowStatsView,
  config: Pick<BreakerConfig, 'latencyThresholdMs'>,
  slowInFlight: number,
): ArrayLike<number> {
  if (slowInFlight <= 0) return stats.histogram;

  const histogram = Array.from(stats.histogram);
  histogram[binIndex(config.latencyThresholdMs)] += slowInFlight;
  return histogram;
}

function figuresOf(
  stats: WindowStatsView,
  config: TripConfig,
  latencyPercentileMs: number | null,
): WindowFigures {
  return {
    calls: stats.calls,
    failures: stats.failures,
    errorRate: stats.calls > 0 ? stats.failures / stats.calls : 0,
    latencyPercentileMs,
    percentile: config.latencyPercentile,
    failureRateThreshold: config.failureRateThreshold,
    latencyThresholdMs: config.latencyThresholdMs,
    minVolume: config.minVolume,
    windowSeconds: config.windowSeconds,
  };
}

/**
 * Builds the figures stored with a transition. `latencyPercentileMs` includes the
 * `slowInFlight` calls, counted at the latency threshold, while `calls` and `errorRate`
 * cover completed calls only.
 */
export function windowFigures(stats: WindowStatsView, config: TripConfig, slowInFlight = 0): WindowFigures {
  const histogram = histogramWithInFlight(stats, config, slowInFlight);
  return figuresOf(stats, config, percentileOf(histogram, config.latencyPercentile));
}

/** Applies the failure-rate rule alone: failures / calls >= failureRateThreshold, from minVolume calls. */
export function evaluateFailureRate(stats: WindowStatsView, config: TripConfig, slowInFlight = 0): TripDecision | null {
  if (stats.calls < config.minVolume) return null;
  if (stats.failures / stats.calls < config.failureRateThreshold) return null;

  return { reason: 'failure_rate', figures: windowFigures(stats, config, slowInFlight) };
}

/**
 * Applies the latency rule alone: the latencyPercentile of the histogram, with `slowInFlight`
 * calls added at latencyThresholdMs, is at least latencyThresholdMs. The percentile has the
 * histogram's resolution, so a true percentile up to 4.9 % below the threshold can trip.
 */
export function evaluateLatency(stats: WindowStatsView, config: TripConfig, slowInFlight = 0): TripDecision | null {
  if (stats.calls < config.minVolume) return null;

  const histogram = histogramWithInFlight(stats, config, slowInFlight);
  const latencyPercentileMs = percentileOf(histogram, config.latencyPercentile);
  if (latencyPercentileMs === null || latencyPercentileMs < config.latencyThresholdMs) return null;

  return { reason: 'latency', figures: figuresOf(stats, config, latencyPercentileMs) };
}

/**
 * Decides whether the window trips the breaker, checking the failure rate first. No decision
 * is made below minVolume completed calls, and calls still in flight do not count towards it.
 * `slowInFlight` is the number of calls still in flight for longer than latencyThresholdMs;
 * they count as slow calls for the latency rule only.
 */
export function evaluateTrip(stats: WindowStatsView, config: TripConfig, slowInFlight = 0): TripDecision | null {
  return evaluateFailureRate(stats, config, slowInFlight) ?? evaluateLatency(stats, config, slowInFlight);
}

/**
 * Returns the first histogram bin whose middle is at or above latencyThresholdMs. Adding a
 * call to a lower bin cannot raise the percentile to the threshold, which lets a caller skip
 * re-evaluating the latency rule after such a call.
 */
export function latencyThresholdBin(config: Pick<BreakerConfig, 'latencyThresholdMs'>): number {
  let bin = binIndex(config.latencyThresholdMs);
  while (bin > 0 && binMiddle(bin - 1) >= config.latencyThresholdMs) bin -= 1;
  while (bin < HISTOGRAM_BINS - 1 && binMiddle(bin) < config.latencyThresholdMs) bin += 1;
  return bin;
}
