'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { Suspense, useId, useState } from 'react';

import { ConfirmDialog } from '@/components/confirm-dialog';
import { DeadLetterDetail } from '@/components/dead-letter-detail';
import { DeadLetterTable } from '@/components/dead-letter-table';
import { EmptyState } from '@/components/empty-state';
import { EndpointSelect } from '@/components/endpoint-select';
import { ErrorState } from '@/components/error-state';
import { plural } from '@/components/format';
import { LoadingState } from '@/components/loading-state';
import { Pager } from '@/components/pager';
import { Panel } from '@/components/panel';
import { QueryState } from '@/components/query-state';
import { ReplayProgress } from '@/components/replay-progress';
import { useCursorPages } from '@/components/use-cursor-pages';
import { useUrlFilters } from '@/components/use-url-filters';
import { deadLetterQueries, replayMutations, sessionQuery, type ReplayRequest } from '@/lib/client/queries';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['endpointId'] as const;
const REPLAY_ROLES = ['operator', 'admin'];
/** Replay rate bounds of the replay route, in dead letters moved back into the queue per second. */
const MIN_RATE = 1;
const MAX_RATE = 1000;
const DEFAULT_RATE = 50;

/** Returns the rate as a whole number in the route's range, or null when the text is not one. */
function parseRate(text: string): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const rate = Number(text.trim());
  return rate >= MIN_RATE && rate <= MAX_RATE ? rate : null;
}

type PendingReplay = { kind: 'selected'; ids: string[] } | { kind: 'all'; endpointId: string };

function DeadLetters() {
  const filterId = useId();
  const rateId = useId();
  const [filters, setFilters] = useUrlFilters(FILTER_KEYS);
  const endpointId = filters.endpointId;
  const pages = useCursorPages(endpointId);
  const list = useQuery(deadLetterQueries.list({ endpointId: endpointId || undefined, limit: PAGE_SIZE, cursor: pages.cursor }));
  const session = useQuery(sessionQuery);
  const startReplay = useMutation(replayMutations.start);

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [activeId, setActiveId] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingReplay | null>(null);
  const [replay, setReplay] = useState<{ id: string; count: number } | null>(null);
  const [selectionKey, setSelectionKey] = useState(endpointId);
  const [rateText, setRateText] = useState(String(DEFAULT_RATE));
  const rate = parseRate(rateText);

  // A new endpoint filter starts with nothing selected and no delivery open.
  if (selectionKey !== endpointId) {
    setSelectionKey(endpointId);
    setSelected(new Set());
    setActiveId(null);
  }

  const role = session.data?.role;
  const canReplay = role !== undefined && REPLAY_ROLES.includes(role);
  const deniedReason = role ? `Replays need the operator or admin role; you are signed in as ${role}.` : null;
  const rows = list.data?.data ?? [];

  const toggle = (id: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const toggleAll = (select: boolean) =>
    setSelected((previous) => {
      const next = new Set(previous);
      for (const row of rows) {
        if (select) next.add(row.id);
        else next.delete(row.id);
      }
      return next;
    });

  const confirmReplay = () => {
    if (!pending) return;
    if (rate === null) return;
    const target: ReplayRequest = pending.kind === 'selected' ? { ids: pending.ids } : { filter: { endpointId: pending.endpointId } };
    const request: ReplayRequest = { ...target, ratePerSecond: rate };
    startReplay.mutate(request, {
      onSuccess: (started) => {
        setReplay({ id: started.replayId, count: started.count });
        if (pending.kind === 'selected') setSelected(new Set());
        setPending(null);
      },
    });
  };

  return (
    <>
      <title>Dead letters · Switchyard</title>
      <h1>Dead letters</h1>

      {replay ? (
        <Panel title="Replay">
          <p className="small">Replay started for {plural(replay.count, 'delivery', 'deliveries')}.</p>
          <ReplayProgress replayId={replay.id} canCancel={canReplay} onDismiss={() => setReplay(null)} />
        </Panel>
      ) : null}

      <Panel
        title="Dead-lettered deliveries"
        actions={
          <form className="filters" role="search" aria-label="Filter dead letters" onSubmit={(event) => event.preventDefault()}>
            <label htmlFor={filterId}>
              Endpoint
              <EndpointSelect id={filterId} value={endpointId} onChange={(value) => setFilters({ endpointId: value })} />
            </label>
          </form>
        }
      >
        <div className="toolbar">
          <button
            type="button"
            className="button primary"
            data-testid="replay-selected"
            disabled={!canReplay || selected.size === 0 || rate === null}
            onClick={() => setPending({ kind: 'selected', ids: [...selected] })}
          >
            Replay selected ({selected.size})
          </button>
          <button
            type="button"
            className="button"
            data-testid="replay-all"
            disabled={!canReplay || !endpointId || rate === null}
            onClick={() => setPending({ kind: 'all', endpointId })}
          >
            Replay all for this endpoint
          </button>
          <label htmlFor={rateId} className="inline-field">
            Rate (dead letters per second)
            <input
              id={rateId}
              type="number"
              inputMode="numeric"
              min={MIN_RATE}
              max={MAX_RATE}
              step={1}
              value={rateText}
              onChange={(event) => setRateText(event.target.value)}
              aria-invalid={rate === null || undefined}
              aria-describedby={`${rateId}-help`}
              data-testid="replay-rate"
            />
          </label>
          <span id={`${rateId}-help`} className={rate === null ? 'field-message' : 'visually-hidden'}>
            {rate === null ? `The rate must be a whole number from ${MIN_RATE} to ${MAX_RATE}.` : 'Each send still goes through the breaker.'}
          </span>
          <span className="small muted" data-testid="replay-disabled-reason">
            {!canReplay && deniedReason
              ? deniedReason
              : !endpointId
                ? 'Choose an endpoint to replay all of its dead letters.'
                : selected.size === 0
                  ? 'Select rows to replay them.'
                  : null}
          </span>
        </div>
        {startReplay.isError && pending === null ? (
          <ErrorState title="The replay was not started" error={startReplay.error} />
        ) : null}

        <QueryState
          query={list}
          subject="dead letters"
          isEmpty={(page) => page.data.length === 0 && pages.pageNumber === 1}
          empty={
            <EmptyState title={endpointId ? 'No dead letters for this endpoint.' : 'No dead letters.'}>
              Deliveries land here after their last retry or a permanent failure.
            </EmptyState>
          }
        >
          {(page) => (
            <div aria-busy={list.isPlaceholderData}>
              <DeadLetterTable
                deliveries={page.data}
                selected={selected}
                onToggle={toggle}
                onToggleAll={toggleAll}
                activeId={activeId}
                onOpen={(id) => setActiveId((current) => (current === id ? null : id))}
              />
              <Pager pages={pages} page={page} />
            </div>
          )}
        </QueryState>
      </Panel>

      {activeId ? <DeadLetterDetail deliveryId={activeId} onClose={() => setActiveId(null)} /> : null}

      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === 'all' ? 'Replay every dead letter of this endpoint?' : 'Replay the selected dead letters?'}
        confirmLabel={pending?.kind === 'all' ? 'Replay all' : `Replay ${pending?.kind === 'selected' ? pending.ids.length : 0}`}
        busy={startReplay.isPending}
        onConfirm={confirmReplay}
        onCancel={() => setPending(null)}
        testId="replay-dialog"
      >
        {pending?.kind === 'all' ? (
          <p>
            Every dead letter of <span className="mono">{pending.endpointId}</span> is sent again through its breaker, at most{' '}
            {rate ?? DEFAULT_RATE} per second, keeping its delivery id. The server counts how many match when the replay starts.
          </p>
        ) : pending?.kind === 'selected' ? (
          <p>
            {plural(pending.ids.length, 'delivery', 'deliveries')} will be sent again through the endpoint&apos;s breaker, at most{' '}
            {rate ?? DEFAULT_RATE} per second, each keeping its delivery id.
          </p>
        ) : null}
        {startReplay.isError ? <ErrorState title="The replay was not started" error={startReplay.error} /> : null}
      </ConfirmDialog>
    </>
  );
}

export default function DeadLettersPage() {
  return (
    <Suspense fallback={<LoadingState label="Loading dead letters…" />}>
      <DeadLetters />
    </Suspense>
  );
}
