'use client';

import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import { EmptyState } from './empty-state';
import { ErrorState } from './error-state';
import { formatClock } from './format';
import { LoadingState } from './loading-state';

type Props<T> = {
  query: UseQueryResult<T>;
  /** Plural noun of the loaded data, e.g. "endpoints", used in the loading and error messages. */
  subject: string;
  isEmpty?: (data: T) => boolean;
  /** Shown instead of `children` when `isEmpty` returns true. */
  empty?: ReactNode;
  children: (data: T) => ReactNode;
};

/**
 * Renders a query's loading, error, empty or data state. When a background refresh fails
 * after data arrived, the last data stays on screen under a warning with its age.
 */
export function QueryState<T>({ query, subject, isEmpty, empty, children }: Props<T>) {
  if (query.isPending) return <LoadingState label={`Loading ${subject}…`} />;

  if (query.isError && query.data === undefined) {
    return <ErrorState title={`Could not load ${subject}`} error={query.error} onRetry={() => void query.refetch()} />;
  }

  const data = query.data as T;
  const stale = query.isError ? (
    <p className="stale-warning" role="status">
      Live updates of {subject} failed: {query.error?.message} Showing data from {formatClock(query.dataUpdatedAt)}.
    </p>
  ) : null;

  if (isEmpty?.(data)) {
    return (
      <>
        {stale}
        {empty ?? <EmptyState title={`No ${subject}.`} />}
      </>
    );
  }

  return (
    <>
      {stale}
      {children(data)}
    </>
  );
}
