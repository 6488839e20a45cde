'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

import { deadLetterQueries, deliveryQueries, endpointQueries, replayMutations, replayOutstanding, replayQueries, type Replay } from '@/lib/client/queries';

import { ErrorState } from './error-state';
import { formatCount } from './format';
import { LoadingState } from './loading-state';
import { RelativeTime } from './relative-time';
import { useNow } from './use-now';

// "done" means every matching dead letter is back in the queue. The outcome line shows how the
// sends ended.
const STATUS_LABELS: Record<Replay['status'], string> = { running: 'Queueing', done: 'All queued', cancelled: 'Cancelled' };

/** Deliveries sent per second since the replay started, or null before the first second. */
function sendRate(replay: Replay, now: number): number | null {
  const end = replay.finishedAt ? Date.parse(replay.finishedAt) : now;
  const seconds = (end - Date.parse(replay.createdAt)) / 1000;
  return seconds >= 1 ? replay.sent / seconds : null;
}

type Props = { replayId: string; canCancel: boolean; onDismiss: () => void };

/** Progress of one replay, polled while it runs, with its send rate and a Cancel button. */
export function ReplayProgress({ replayId, canCancel, onDismiss }: Props) {
  const now = useNow();
  const replay = useQuery(replayQueries.detail(replayId));
  const cancel = useMutation(replayMutations.cancel);
  const queryClient = useQueryClient();
  const status = replay.data?.status;
  const outstanding = replay.data ? replayOutstanding(replay.data) : null;

  // Replayed deliveries leave the dead-letter list as they are queued, and some come back if
  // they fail again, so refresh the lists when the replay stops and when its sends settle.
  useEffect(() => {
    if (status === 'done' || status === 'cancelled') {
      void queryClient.invalidateQueries({ queryKey: deadLetterQueries.all });
      void queryClient.invalidateQueries({ queryKey: deliveryQueries.all });
      void queryClient.invalidateQueries({ queryKey: endpointQueries.all });
    }
  }, [status, outstanding, queryClient]);

  if (replay.isPending) return <LoadingState label="Loading replay progress…" />;
  if (replay.isError && !replay.data) {
    return <ErrorState title="Could not load replay progress" error={replay.error} onRetry={() => void replay.refetch()} />;
  }

  const progress = replay.data;
  const percent = progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : 100;
  const rate = sendRate(progress, now);
  const running = progress.status === 'running';

  return (
    <div className="replay-progress" data-testid="replay-progress" data-status={progress.status} aria-live="polite">
      <div className="replay-progress-head">
        <strong>Replay {progress.id}</strong>
        <span className={`tag replay-${progress.status}`}>{STATUS_LABELS[progress.status] ?? progress.status}</span>
      </div>
      <progress max={Math.max(progress.total, 1)} value={progress.total > 0 ? progress.sent : 1} aria-label="Replay progress">
        {percent} %
      </progress>
      <p className="small">
        {formatCount(progress.sent)} of {formatCount(progress.total)} queued again ({percent} %)
        {rate !== null ? ` · ${rate.toFixed(1)} per second` : ''} · started <RelativeTime iso={progress.createdAt} />
        {progress.finishedAt ? (
          <>
            {' '}
            · finished <RelativeTime iso={progress.finishedAt} />
          </>
        ) : null}
      </p>
      <p className="small" data-testid="replay-outcome">
        Outcome: {formatCount(progress.delivered ?? 0)} delivered · {formatCount(replayOutstanding(progress))} still being sent ·{' '}
        {formatCount(progress.deliveries?.dead ?? 0)} dead again
      </p>
      {replay.isError ? <p className="stale-warning">Progress updates failed: {replay.error.message}</p> : null}
      {cancel.isError ? <ErrorState title="Could not cancel the replay" error={cancel.error} /> : null}
      <div className="button-row">
        {running ? (
          <button
            type="button"
            className="button danger"
            data-testid="replay-cancel"
            disabled={!canCancel || cancel.isPending}
            onClick={() => cancel.mutate(replayId)}
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel replay'}
          </button>
        ) : (
          <button type="button" className="button" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </div>
  );
}
