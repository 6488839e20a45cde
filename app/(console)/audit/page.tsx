'use client';

import { useQuery } from '@tanstack/react-query';
import { Suspense, useEffect, useId, useState } from 'react';

import { AuditTable } from '@/components/audit-table';
import { AuditVerify } from '@/components/audit-verify';
import { EmptyState } from '@/components/empty-state';
import { LoadingState } from '@/components/loading-state';
import { Pager } from '@/components/pager';
import { Panel } from '@/components/panel';
import { QueryState } from '@/components/query-state';
import { useCursorPages } from '@/components/use-cursor-pages';
import { useUrlFilters } from '@/components/use-url-filters';
import { auditQueries } from '@/lib/client/queries';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['action', 'targetId'] as const;

type Filters = Record<(typeof FILTER_KEYS)[number], string>;

/** Action and target filters. They apply on submit, so typing does not reload the table. */
function AuditFilters({ values, onApply }: { values: Filters; onApply: (filters: Filters) => void }) {
  const id = useId();
  const [draft, setDraft] = useState(values);

  // Follows the URL when it changes from outside, e.g. a link from an endpoint page.
  useEffect(() => setDraft(values), [values]);

  return (
    <form
      className="filters"
      role="search"
      aria-label="Filter audit entries"
      onSubmit={(event) => {
        event.preventDefault();
        onApply({ action: draft.action.trim(), targetId: draft.targetId.trim() });
      }}
    >
      <label htmlFor={`${id}-action`}>
        Action
        <input
          id={`${id}-action`}
          value={draft.action}
          placeholder="exact action name"
          autoComplete="off"
          onChange={(event) => setDraft({ ...draft, action: event.target.value })}
        />
      </label>
      <label htmlFor={`${id}-target`}>
        Target id
        <input
          id={`${id}-target`}
          value={draft.targetId}
          placeholder="e.g. ep_…"
          autoComplete="off"
          onChange={(event) => setDraft({ ...draft, targetId: event.target.value })}
        />
      </label>
      <button type="submit" className="button">
        Apply filters
      </button>
      {values.action || values.targetId ? (
        <button type="button" className="button link-button" onClick={() => onApply({ action: '', targetId: '' })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

function Audit() {
  const [filters, setFilters] = useUrlFilters(FILTER_KEYS);
  const pages = useCursorPages(JSON.stringify(filters));
  const [brokenId, setBrokenId] = useState<string | undefined>(undefined);
  const list = useQuery(
    auditQueries.list({
      action: filters.action || undefined,
      targetId: filters.targetId || undefined,
      limit: PAGE_SIZE,
      cursor: pages.cursor,
    }),
  );
  const filtered = Boolean(filters.action || filters.targetId);

  return (
    <>
      <title>Audit · Switchyard</title>
      <h1>Audit</h1>

      <Panel title="Hash chain">
        <p className="small muted">
          Every audit entry stores a hash that covers the entry before it. The check recomputes the chain from the first entry.
        </p>
        <AuditVerify onResult={(result) => setBrokenId(result.firstBroken?.id)} />
      </Panel>

      <Panel title="Entries" actions={<AuditFilters values={filters} onApply={setFilters} />}>
        <QueryState
          query={list}
          subject="audit entries"
          isEmpty={(page) => page.data.length === 0 && pages.pageNumber === 1}
          empty={
            <EmptyState title={filtered ? 'No audit entry matches these filters.' : 'No audit entries yet.'}>
              {filtered ? 'Clear the filters to see every entry.' : 'Transitions, overrides, replays and configuration changes are recorded here.'}
            </EmptyState>
          }
        >
          {(page) => (
            <div aria-busy={list.isPlaceholderData}>
              <AuditTable entries={page.data} brokenId={brokenId} />
              <Pager pages={pages} page={page} />
            </div>
          )}
        </QueryState>
      </Panel>
    </>
  );
}

export default function AuditPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading the audit log…" />}>
      <Audit />
    </Suspense>
  );
}
