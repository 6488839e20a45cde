import type { BucketSeries } from '@/lib/client/queries';

import { formatClock, formatCount, formatMs, formatPercent, formatPercentile, formatUtc } from './format';

/**
 * The figures behind the window charts, one row per bucket, newest first, so every bar can be
 * checked against the API. Each cell also carries the raw API value in `data-value`.
 */
export function BucketFiguresTable({ series }: { series: BucketSeries }) {
  const { thresholds } = series;
  const percentile = formatPercentile(thresholds.latencyPercentile);
  const rows = [...series.data].reverse();

  return (
    <div className="table-scroll bucket-figures">
      <table className="data-table compact" data-testid="bucket-figures">
        <caption>
          Figures per {series.bucketSeconds} s bucket, newest first. Thresholds: error rate{' '}
          {formatPercent(thresholds.failureRateThreshold)}, {percentile} latency {formatMs(thresholds.latencyThresholdMs)}.
        </caption>
        <thead>
          <tr>
            <th scope="col">Bucket start</th>
            <th scope="col" className="num">Calls</th>
            <th scope="col" className="num">Failures</th>
            <th scope="col" className="num">Error rate</th>
            <th scope="col" className="num">{percentile} latency</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((bucket) => {
            const rateOver = bucket.errorRate !== null && bucket.errorRate >= thresholds.failureRateThreshold;
            const latencyOver =
              bucket.latencyPercentileMs !== null && bucket.latencyPercentileMs >= thresholds.latencyThresholdMs;
            return (
              <tr key={bucket.start} data-testid="bucket-row" data-start={bucket.start}>
                <th scope="row">
                  <time dateTime={bucket.start} title={formatUtc(bucket.start)}>
                    {formatClock(bucket.start)}
                  </time>
                </th>
                <td className="num" data-value={bucket.calls}>
                  {formatCount(bucket.calls)}
                </td>
                <td className="num" data-value={bucket.failures}>
                  {formatCount(bucket.failures)}
                </td>
                <td className={`num${rateOver ? ' over-threshold' : ''}`} data-value={bucket.errorRate ?? ''}>
                  {formatPercent(bucket.errorRate)}
                  {rateOver ? <span className="over-label"> (over)</span> : null}
                </td>
                <td className={`num${latencyOver ? ' over-threshold' : ''}`} data-value={bucket.latencyPercentileMs ?? ''}>
                  {formatMs(bucket.latencyPercentileMs)}
                  {latencyOver ? <span className="over-label"> (over)</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
