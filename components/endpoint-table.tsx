'use client';

import Link from 'next/link';

import type { EndpointSummary } from '@/lib/client/queries';

import { formatCount, formatMs, formatPercent } from './format';
import { PausedNote } from './paused-note';
import { RelativeTime } from './relative-time';
import { StateBadge } from './state-badge';

/** One row per endpoint with its breaker state and the window figures behind it. */
export function EndpointTable({ endpoints }: { endpoints: EndpointSummary[] }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="endpoint-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Tier</th>
            <th scope="col">State</th>
            <th scope="col" className="num">Error rate</th>
            <th scope="col" className="num">p95 latency</th>
            <th scope="col" className="num">Volume (calls in window)</th>
            <th scope="col" className="num">Waiting</th>
            <th scope="col" className="num">
              Budget burn (1 h)
            </th>
            <th scope="col">In state for</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id} data-testid="endpoint-row" data-endpoint-id={endpoint.id} data-state={endpoint.breaker.state}>
              <th scope="row">
                <Link href={`/endpoints/${encodeURIComponent(endpoint.id)}`} className="endpoint-link">
                  {endpoint.name}
                </Link>
                <div className="muted small mono" title={endpoint.url}>
                  {endpoint.id}
                </div>
              </th>
              <td>{endpoint.tier}</td>
              <td>
                <StateBadge state={endpoint.breaker.state} />
                <PausedNote pausedUntil={endpoint.breaker.pausedUntil} />
              </td>
              <td className="num">{formatPercent(endpoint.breaker.errorRate)}</td>
              <td className="num">{formatMs(endpoint.breaker.latencyP95Ms)}</td>
              <td className="num">{formatCount(endpoint.breaker.volume)}</td>
              <td className="num">{formatCount(endpoint.waiting)}</td>
              <td className="num" data-testid="burn-rate" data-value={endpoint.burnRate1h ?? 0}>
                {`${(endpoint.burnRate1h ?? 0).toFixed(1)}×`}
              </td>
              <td>
                <RelativeTime iso={endpoint.breaker.since} mode="duration" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
