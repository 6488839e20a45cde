import type { BreakerConfig, RetryConfig } from '@/lib/client/queries';

import { formatCount, formatDuration, formatMs, formatPercent, formatPercentile } from './format';

/** The endpoint's breaker and retry settings, so thresholds on the charts can be traced. */
export function BreakerConfigList({ config, retry }: { config: BreakerConfig; retry: RetryConfig }) {
  return (
    <details className="config-details">
      <summary>Breaker and retry settings</summary>
      <dl className="facts">
        <div>
          <dt>Window</dt>
          <dd>
            {config.windowSeconds} s in {config.bucketSeconds} s buckets
          </dd>
        </div>
        <div>
          <dt>Minimum volume</dt>
          <dd>{formatCount(config.minVolume)} calls</dd>
        </div>
        <div>
          <dt>Failure rate threshold</dt>
          <dd>{formatPercent(config.failureRateThreshold)}</dd>
        </div>
        <div>
          <dt>Latency threshold</dt>
          <dd>
            {formatPercentile(config.latencyPercentile)} ≥ {formatMs(config.latencyThresholdMs)}
          </dd>
        </div>
        <div>
          <dt>Reset timeout</dt>
          <dd>{formatDuration(config.resetTimeoutMs)}</dd>
        </div>
        <div>
          <dt>Probes</dt>
          <dd>
            {config.halfOpenMaxConcurrent} at once, {config.successThreshold} successes to close
          </dd>
        </div>
        <div>
          <dt>Retries</dt>
          <dd>
            up to {retry.maxAttempts} attempts, backoff {formatMs(retry.baseDelayMs)} to {formatMs(retry.maxDelayMs)}, for at most{' '}
            {formatDuration(retry.maxAgeMs)}
          </dd>
        </div>
      </dl>
    </details>
  );
}
