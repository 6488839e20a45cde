'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { EmptyState } from '@/components/empty-state';
import { Panel } from '@/components/panel';
import { QueryState } from '@/components/query-state';
import { runbookQueries } from '@/lib/client/queries';

export default function RunbooksPage() {
  const runbooks = useQuery(runbookQueries.list());

  return (
    <>
      <title>Runbooks · Switchyard</title>
      <h1>Runbooks</h1>
      <p className="muted">What to do when an alert fires or a breaker misbehaves. Each alert on the overview links to its runbook.</p>

      <Panel title="All runbooks">
        <QueryState
          query={runbooks}
          subject="runbooks"
          isEmpty={(page) => page.data.length === 0}
          empty={<EmptyState title="No runbooks found.">The server reads them from docs/runbooks in its working directory.</EmptyState>}
        >
          {(page) => (
            <ul className="runbook-list" data-testid="runbook-list">
              {page.data.map((runbook) => (
                <li key={runbook.slug} data-testid="runbook-link" data-slug={runbook.slug}>
                  <Link href={`/runbooks/${encodeURIComponent(runbook.slug)}`}>{runbook.title}</Link>{' '}
                  <span className="muted small mono">{runbook.path}</span>
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </Panel>
    </>
  );
}
