'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useEffect } from 'react';

import { ErrorState } from '@/components/error-state';
import { LoadingState } from '@/components/loading-state';
import { Markdown } from '@/components/markdown';
import { runbookQueries } from '@/lib/client/queries';

export default function RunbookPage() {
  const { slug } = useParams<{ slug: string }>();
  const runbook = useQuery(runbookQueries.detail(slug));
  const loaded = runbook.data !== undefined;

  // The runbook arrives after navigation, so the browser cannot scroll to a #section by itself.
  useEffect(() => {
    if (!loaded || !window.location.hash) return;
    document.getElementById(decodeURIComponent(window.location.hash.slice(1)))?.scrollIntoView({ block: 'start' });
  }, [loaded]);

  const breadcrumb = (current: string) => (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link href="/runbooks">Runbooks</Link> / <span aria-current="page">{current}</span>
    </nav>
  );

  if (runbook.isPending) return <LoadingState label="Loading the runbook…" />;
  if (runbook.isError && !runbook.data) {
    const notFound = runbook.error.status === 404;
    return (
      <>
        <title>Runbook · Switchyard</title>
        {breadcrumb(slug)}
        <ErrorState
          title={notFound ? `No runbook named ${slug}` : 'Could not load the runbook'}
          error={runbook.error}
          onRetry={notFound ? undefined : () => void runbook.refetch()}
        />
      </>
    );
  }

  return (
    <>
      <title>{`${runbook.data.title} · Switchyard`}</title>
      {breadcrumb(runbook.data.title)}
      <article className="panel runbook" data-testid="runbook" data-slug={runbook.data.slug}>
        <div className="panel-body">
          <h1>{runbook.data.title}</h1>
          <p className="small muted mono">{runbook.data.path}</p>
          <Markdown markdown={runbook.data.markdown} omitTitle />
        </div>
      </article>
    </>
  );
}
