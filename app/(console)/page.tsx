'use client';

import { useQuery } from '@tanstack/react-query';
import { Suspense, useId } from 'react';

import { EmptyState } from '@/components/empty-state';
import { EndpointFilters } from '@/components/endpoint-filters';
import { EndpointTable } from '@/components/endpoint-table';
import { LoadingState } from '@/components/loading-state';
import { OpenAlerts } from '@/components/open-alerts';
import { Pager } from '@/components/pager';
import { Panel } from '@/components/panel';
import { QueryState } from '@/components/query-state';
import { StateCounts } from '@/components/state-counts';
import { useCursorPages } from '@/components/use-cursor-pages';
import { useUrlFilters } from '@/components/use-url-filters';
import { endpointQueries, type EndpointSummary } from '@/lib/client/queries';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['state', 'tier', 'q', 'sort'] as const;

type SortKey = '' | 'in_state' | 'error_rate';

const SORT_LABELS: Record<SortKey, string> = {
  '': 'Server order (by id)',
  in_state: 'Longest in current state first',
  error_rate: 'Highest error rate first',
};

/**
 * Sorts one page of endpoints in the browser. The endpoints route has no sort parameter, so
 * this orders only the rows on screen, and pages still follow the server's id order.
 */
function sortPage(endpoints: EndpointSummary[], sort: string): EndpointSummary[] {
  if (sort === 'in_state') {
    const since = (endpoint: EndpointSummary) => (endpoint.breaker.since ? Date.parse(endpoint.breaker.since) : Number.POSITIVE_INFINITY);
    return [...endpoints].sort((a, b) => since(a) - since(b));
  }
  if (sort === 'error_rate') return [...endpoints].sort((a, b) => (b.breaker.errorRate ?? -1) - (a.breaker.errorRate ?? -1));
  return endpoints;
}

function SortControl({ value, onChange }: { value: string; onChange: (sort: string) => void }) {
  const id = useId();
  return (
    <div className="filters">
      <label htmlFor={id}>
        Sort this page
        <select id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-note`} data-testid="endpoint-sort">
          {(Object.keys(SORT_LABELS) as SortKey[]).map((key) => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </label>
      <span id={`${id}-note`} className="small muted sort-note">
        Sorts the rows on this page only: the server pages endpoints by id.
      </span>
    </div>
  );
}

function Overview() {
  const [filters, setFilters] = useUrlFilters(FILTER_KEYS);
  const pages = useCursorPages(JSON.stringify({ state: filters.state, tier: filters.tier, q: filters.q }));
  const list = useQuery(
    endpointQueries.list({
      state: filters.state || undefined,
      tier: filters.tier || undefined,
      q: filters.q || undefined,
      limit: PAGE_SIZE,
      cursor: pages.cursor,
    }),
  );
  const filtered = Boolean(filters.state || filters.tier || filters.q);

  return (
    <>
      <title>Overview · Switchyard</title>
      <h1>Overview</h1>

      <Panel title="Breaker states">
        <QueryState query={list} subject="state counts">
          {(page) => <StateCounts counts={page.counts} selected={filters.state} onSelect={(state) => setFilters({ state })} />}
        </QueryState>
      </Panel>

      <OpenAlerts />

      <Panel
        title="Endpoints"
        actions={
          <>
            <EndpointFilters values={filters} onChange={setFilters} />
            <SortControl value={filters.sort} onChange={(sort) => setFilters({ sort })} />
          </>
        }
      >
        <QueryState
          query={list}
          subject="endpoints"
          isEmpty={(page) => page.data.length === 0 && pages.pageNumber === 1}
          empty={
            <EmptyState title={filtered ? 'No endpoint matches these filters.' : 'No endpoints yet.'}>
              {filtered
                ? 'Clear the filters to see every endpoint.'
                : 'Create one with POST /api/v1/endpoints; it appears here with its breaker state.'}
            </EmptyState>
          }
        >
          {(page) => (
            <div aria-busy={list.isPlaceholderData}>
              <EndpointTable endpoints={sortPage(page.data, filters.sort)} />
              <Pager
                pageNumber={pages.pageNumber}
                nextCursor={page.nextCursor}
                rowCount={page.data.length}
                onNext={pages.goNext}
                onPrevious={pages.goPrevious}
                onFirst={pages.goFirst}
              />
            </div>
          )}
        </QueryState>
      </Panel>
    </>
  );
}

export default function OverviewPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading overview…" />}>
      <Overview />
    </Suspense>
  );
}
