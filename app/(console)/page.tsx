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
import { endpointQueries } from '@/lib/client/queries';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['state', 'tier', 'q', 'sort'] as const;

type SortKey = '' | 'burn' | 'since';

// The endpoints route sorts the whole list, so paging follows the chosen order.
const SORT_LABELS: Record<SortKey, string> = {
  '': 'By id',
  burn: 'Highest budget burn (last hour) first',
  since: 'Longest in current state first',
};

function SortControl({ value, onChange }: { value: string; onChange: (sort: string) => void }) {
  const id = useId();
  return (
    <div className="filters">
      <label htmlFor={id}>
        Sort
        <select id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-note`} data-testid="endpoint-sort">
          {(Object.keys(SORT_LABELS) as SortKey[]).map((key) => (
            <option key={key} value={key}>
              {SORT_LABELS[key]}
            </option>
          ))}
        </select>
      </label>
      <span id={`${id}-note`} className="small muted sort-note">
        Burn is the error ratio over the last hour divided by the tier's error budget.
      </span>
    </div>
  );
}

function Overview() {
  const [filters, setFilters] = useUrlFilters(FILTER_KEYS);
  const pages = useCursorPages(JSON.stringify({ state: filters.state, tier: filters.tier, q: filters.q, sort: filters.sort }));
  const list = useQuery(
    endpointQueries.list({
      state: filters.state || undefined,
      tier: filters.tier || undefined,
      q: filters.q || undefined,
      sort: filters.sort || undefined,
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
              <EndpointTable endpoints={page.data} />
              <Pager pages={pages} page={page} />
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
