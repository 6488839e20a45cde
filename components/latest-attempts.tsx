'use client';

import { useQueries, useQuery } from '@tanstack/react-query';

import { deliveryQueries } from '@/lib/client/queries';

import { AttemptsTable, type AttemptRow } from './attempts-table';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { LoadingState } from './loading-state';

/** Latest deliveries scanned for ones that have attempts. */
const DELIVERIES_SCANNED = 50;
/** Deliveries whose attempts are shown; each needs its own detail request. */
const DELIVERIES_READ = 10;
const ATTEMPTS_SHOWN = 25;
const DETAIL_REFRESH_MS = 5_000;

/**
 * The latest attempts to one endpoint, newest first.
 * NOTE: the API lists attempts only per delivery, so this reads the details of up to 10 of the
 * latest 50 deliveries that have attempts. Attempts of older deliveries are not shown.
 */
export function LatestAttempts({ endpointId }: { endpointId: string }) {
  const deliveries = useQuery(deliveryQueries.list({ endpointId, limit: DELIVERIES_SCANNED }));
  const scanned = deliveries.data?.data ?? [];
  const ids = scanned
    .filter((delivery) => delivery.attempts > 0)
    .slice(0, DELIVERIES_READ)
    .map((delivery) => delivery.id);
  const details = useQueries({
    queries: ids.map((id) => ({ ...deliveryQueries.detail(id), refetchInterval: DETAIL_REFRESH_MS })),
  });

  if (deliveries.isPending) return <LoadingState label="Loading attempts…" />;
  if (deliveries.isError && !deliveries.data) {
    return <ErrorState title="Could not load deliveries" error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  }

  const detailError = details.find((detail) => detail.isError && !detail.data)?.error;
  const rows: AttemptRow[] = details
    .flatMap((detail) => (detail.data ? detail.data.attempts.map((attempt) => ({ ...attempt, deliveryId: detail.data.id })) : []))
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .slice(0, ATTEMPTS_SHOWN);

  if (scanned.length === 0) return <EmptyState title="No deliveries to this endpoint yet." />;
  if (rows.length === 0 && details.some((detail) => detail.isPending)) return <LoadingState label="Loading attempts…" />;

  return (
    <>
      {detailError ? <ErrorState title="Could not load some attempts" error={detailError} /> : null}
      {rows.length === 0 ? (
        <EmptyState title="No attempts yet.">
          The latest {scanned.length} deliveries are still waiting for their first attempt.
        </EmptyState>
      ) : (
        <AttemptsTable attempts={rows} showDelivery />
      )}
    </>
  );
}
