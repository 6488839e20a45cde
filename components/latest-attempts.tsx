'use client';

import { useQuery } from '@tanstack/react-query';

import { attemptQueries } from '@/lib/client/queries';

import { AttemptsTable } from './attempts-table';
import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { LoadingState } from './loading-state';

const ATTEMPTS_SHOWN = 25;

/** Shows the latest attempts to one endpoint, newest first, from one request to its attempts list. */
export function LatestAttempts({ endpointId }: { endpointId: string }) {
  const attempts = useQuery(attemptQueries.latest(endpointId, ATTEMPTS_SHOWN));

  if (attempts.isPending) return <LoadingState label="Loading attempts…" />;
  if (attempts.isError && !attempts.data) {
    return <ErrorState title="Could not load attempts" error={attempts.error} onRetry={() => void attempts.refetch()} />;
  }

  const rows = attempts.data?.data ?? [];
  if (rows.length === 0) return <EmptyState title="No attempts to this endpoint yet." />;
  return <AttemptsTable attempts={rows} showDelivery />;
}
