'use client';

import Link from 'next/link';

import type { EndpointDetail, Role, TransitionRecord } from '@/lib/client/queries';

import { describeTransition } from './describe-transition';
import { formatCount, formatMs, formatPercent, formatRelative } from './format';
import { OverrideDialog } from './override-dialog';
import { PausedNote } from './paused-note';
import { RelativeTime } from './relative-time';
import { StateBadge } from './state-badge';
import { useNow } from './use-now';

type Props = {
  endpoint: EndpointDetail;
  /** Transitions newest first, or undefined while they load. */
  transitions: TransitionRecord[] | undefined;
  role: Role | undefined;
};

/** Endpoint name, breaker state, why it last moved, live figures and the override control. */
export function EndpointHeader({ endpoint, transitions, role }: Props) {
  const now = useNow();
  const { breaker } = endpoint;
  const successThreshold = endpoint.breakerConfig.successThreshold;

  // The headline explains the current state, so "would trip" records (which keep the state)
  // are skipped there and shown on a second line when they are newer.
  const latestChange = transitions?.find((transition) => !transition.reasonCode.startsWith('would_trip_'));
  const newestWouldTrip = transitions?.[0] && transitions[0] !== latestChange ? transitions[0] : undefined;
  const sentence = latestChange
    ? describeTransition(latestChange, now, successThreshold)
    : breaker.since
      ? `In this state since ${formatRelative(breaker.since, now)} (reason ${breaker.reason ?? 'unknown'}).`
      : null;

  return (
    <section className="endpoint-header" aria-labelledby="endpoint-title">
      <div className="endpoint-title-row">
        <h1 id="endpoint-title">{endpoint.name}</h1>
        <StateBadge state={breaker.state} />
      </div>
      {sentence ? (
        <p className="transition-sentence" data-testid="transition-sentence">
          {sentence}
        </p>
      ) : null}
      {newestWouldTrip ? (
        <p className="small" data-testid="would-trip-sentence">
          {describeTransition(newestWouldTrip, now, successThreshold)}
        </p>
      ) : null}
      <PausedNote pausedUntil={breaker.pausedUntil} />
      {breaker.expiresAt ? (
        <p className="small">
          The override expires <RelativeTime iso={breaker.expiresAt} />.
        </p>
      ) : null}

      <dl className="facts">
        <div>
          <dt>Error rate</dt>
          <dd>{formatPercent(breaker.errorRate)}</dd>
        </div>
        <div>
          <dt>p95 latency</dt>
          <dd>{formatMs(breaker.latencyP95Ms)}</dd>
        </div>
        <div>
          <dt>Volume (calls in window)</dt>
          <dd>{formatCount(breaker.volume)}</dd>
        </div>
        <div>
          <dt>Waiting deliveries</dt>
          <dd data-testid="waiting-count">{formatCount(endpoint.waiting)}</dd>
        </div>
        <div>
          <dt>In state for</dt>
          <dd>
            <RelativeTime iso={breaker.since} mode="duration" />
          </dd>
        </div>
        <div>
          <dt>Tier</dt>
          <dd>{endpoint.tier}</dd>
        </div>
        <div className="wide">
          <dt>URL</dt>
          <dd className="mono break">{endpoint.url}</dd>
        </div>
        {endpoint.fallbackUrl ? (
          <div className="wide">
            <dt>Fallback URL</dt>
            <dd className="mono break">{endpoint.fallbackUrl}</dd>
          </div>
        ) : null}
      </dl>

      <div className="endpoint-actions">
        <OverrideDialog endpoint={endpoint} role={role} />
        <nav aria-label="Related pages" className="related-links">
          <Link href={`/dead-letters?endpointId=${encodeURIComponent(endpoint.id)}`}>Dead letters of this endpoint</Link>
          <Link href={`/audit?targetId=${encodeURIComponent(endpoint.id)}`}>Audit entries of this endpoint</Link>
        </nav>
      </div>
    </section>
  );
}
