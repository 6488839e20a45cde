'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { alertQueries, type Alert } from '@/lib/client/queries';

import { ErrorState } from './error-state';
import { RelativeTime } from './relative-time';

const KIND_LABELS: Record<string, string> = {
  sustained_open: 'Open longer than its tier allows',
  budget_burn: 'Error budget burning fast',
};

/** Returns the alert's key figure in words, when its details carry one. */
function describeDetails(alert: Alert): string | null {
  const burnRate = alert.details.burnRate1h;
  if (typeof burnRate === 'number') return `burn rate ${burnRate.toFixed(1)}× over 1 hour`;
  return null;
}

/** Open alerts from the server, newest first, each linked to its endpoint. */
export function OpenAlerts() {
  const alerts = useQuery(alertQueries.open());

  if (alerts.isError && !alerts.data) {
    return <ErrorState title="Could not load alerts" error={alerts.error} onRetry={() => void alerts.refetch()} />;
  }
  if (!alerts.data) return null;

  const open = alerts.data.data;
  if (open.length === 0) {
    return (
      <p className="alerts-clear" data-testid="open-alerts" data-count={0}>
        No open alerts.
      </p>
    );
  }

  return (
    <section className="alerts" aria-labelledby="open-alerts-heading" data-testid="open-alerts" data-count={open.length}>
      <h2 id="open-alerts-heading">{open.length === 1 ? '1 open alert' : `${open.length} open alerts`}</h2>
      <ul>
        {open.map((alert) => {
          const details = describeDetails(alert);
          return (
            <li key={alert.id} data-testid="open-alert" data-kind={alert.kind}>
              <strong>{KIND_LABELS[alert.kind] ?? alert.kind.replaceAll('_', ' ')}</strong>:{' '}
              <Link href={`/endpoints/${encodeURIComponent(alert.endpointId)}`}>{alert.endpointName ?? alert.endpointId}</Link> (
              {alert.tier}), since <RelativeTime iso={alert.startedAt} />
              {details ? `, ${details}` : ''}
              {alert.acknowledgedBy ? `, acknowledged by ${alert.acknowledgedBy}` : ''}. Runbook:{' '}
              <code>{alert.runbook}</code>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
