'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useId } from 'react';

import { alertMutations, alertQueries, sessionQuery, type Alert, type Role } from '@/lib/client/queries';

import { ErrorState } from './error-state';
import { formatDuration, formatLocalTime, stateLabel } from './format';
import { LoadingState } from './loading-state';
import { RelativeTime } from './relative-time';

const KIND_LABELS: Record<string, string> = {
  sustained_open: 'Open longer than its tier allows',
  budget_burn: 'Error budget burning fast',
};

/** Roles that may acknowledge an alert. */
const ACK_ROLES: readonly Role[] = ['operator', 'admin'];

function kindLabel(alert: Alert): string {
  return KIND_LABELS[alert.kind] ?? alert.kind.replaceAll('_', ' ');
}

/** Returns the alert's key figures in words, when its details carry them. */
function describeDetails(alert: Alert): string | null {
  const { burnRate1h, state, unavailableSince, limitSeconds } = alert.details;
  if (typeof burnRate1h === 'number') return `burn rate ${burnRate1h.toFixed(1)}× over 1 hour`;
  if (typeof unavailableSince === 'string' && typeof limitSeconds === 'number') {
    const stateText = typeof state === 'string' ? `${stateLabel(state).toLowerCase()}, ` : '';
    return `${stateText}unavailable since ${formatLocalTime(unavailableSince)}, limit ${formatDuration(limitSeconds * 1000)}`;
  }
  return null;
}

/** Console page of the alert's runbook, keeping the section anchor of its repository path. */
export function runbookHref(alert: Alert): string {
  const hash = alert.runbook.includes('#') ? alert.runbook.slice(alert.runbook.indexOf('#')) : '';
  return `/runbooks/${encodeURIComponent(alert.runbookSlug)}${hash}`;
}

function AcknowledgeControl({ alert, role }: { alert: Alert; role: Role | undefined }) {
  const id = useId();
  const acknowledge = useMutation(alertMutations.acknowledge);
  const allowed = role !== undefined && ACK_ROLES.includes(role);

  if (alert.acknowledgedAt) {
    return (
      <span className="small" data-testid="alert-acknowledged">
        Acknowledged by {alert.acknowledgedBy ?? 'unknown'} <RelativeTime iso={alert.acknowledgedAt} />
      </span>
    );
  }
  return (
    <span className="alert-ack">
      <button
        type="button"
        className="button"
        data-testid="alert-ack"
        disabled={!allowed || acknowledge.isPending}
        aria-describedby={allowed ? undefined : `${id}-denied`}
        onClick={() => acknowledge.mutate(alert.id)}
      >
        {acknowledge.isPending ? 'Acknowledging…' : 'Acknowledge'}
      </button>
      {!allowed ? (
        <span id={`${id}-denied`} className="small muted" data-testid="alert-ack-disabled-reason">
          {role ? `Acknowledging needs the operator or admin role; you are signed in as ${role}.` : 'Checking your role…'}
        </span>
      ) : null}
      {acknowledge.isError ? (
        <span className="inline-error" role="alert">
          Acknowledge failed: {acknowledge.error.message}
        </span>
      ) : null}
    </span>
  );
}

function AlertLine({ alert }: { alert: Alert }) {
  const details = describeDetails(alert);
  return (
    <>
      <strong>{kindLabel(alert)}</strong>:{' '}
      <Link href={`/endpoints/${encodeURIComponent(alert.endpointId)}`}>{alert.endpointName ?? alert.endpointId}</Link> ({alert.tier} tier),
      since <RelativeTime iso={alert.startedAt} />
      {details ? `; ${details}` : ''}.
    </>
  );
}

function ResolvedAlerts() {
  const resolved = useQuery(alertQueries.recentlyResolved());
  if (resolved.isError && !resolved.data) {
    return <ErrorState title="Could not load resolved alerts" error={resolved.error} onRetry={() => void resolved.refetch()} />;
  }
  const alerts = resolved.data?.data ?? [];
  if (alerts.length === 0) return null;
  return (
    <details className="resolved-alerts" data-testid="resolved-alerts">
      <summary>Latest {alerts.length === 1 ? 'resolved alert' : `${alerts.length} resolved alerts`}</summary>
      <ul>
        {alerts.map((alert) => (
          <li key={alert.id} data-testid="resolved-alert" data-alert-id={alert.id} data-kind={alert.kind}>
            <AlertLine alert={alert} /> Resolved <RelativeTime iso={alert.resolvedAt} />
            {alert.acknowledgedBy ? `, acknowledged by ${alert.acknowledgedBy}` : ''}.{' '}
            <Link href={runbookHref(alert)}>Runbook</Link>
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * Open alerts from the server, newest first: each with its endpoint, figures, runbook link and
 * an Acknowledge button (operators and admins). The latest resolved alerts follow, folded.
 */
export function OpenAlerts() {
  const alerts = useQuery(alertQueries.open());
  const session = useQuery(sessionQuery);

  if (alerts.isPending) return <LoadingState label="Loading alerts…" />;
  if (alerts.isError && !alerts.data) {
    return <ErrorState title="Could not load alerts" error={alerts.error} onRetry={() => void alerts.refetch()} />;
  }

  const open = alerts.data.data;
  if (open.length === 0) {
    return (
      <div className="alerts-clear" data-testid="open-alerts" data-count={0}>
        <p>No open alerts.</p>
        <ResolvedAlerts />
      </div>
    );
  }

  return (
    <section className="alerts" aria-labelledby="open-alerts-heading" data-testid="open-alerts" data-count={open.length}>
      <h2 id="open-alerts-heading">{open.length === 1 ? '1 open alert' : `${open.length} open alerts`}</h2>
      {alerts.isError ? <p className="stale-warning">Live updates of alerts failed: {alerts.error.message}</p> : null}
      <ul>
        {open.map((alert) => (
          <li key={alert.id} data-testid="open-alert" data-alert-id={alert.id} data-kind={alert.kind} data-endpoint-id={alert.endpointId}>
            <AlertLine alert={alert} />
            <div className="alert-actions">
              <Link href={runbookHref(alert)} data-testid="alert-runbook">
                Runbook: {alert.runbook}
              </Link>
              <AcknowledgeControl alert={alert} role={session.data?.role} />
            </div>
          </li>
        ))}
      </ul>
      <ResolvedAlerts />
    </section>
  );
}
