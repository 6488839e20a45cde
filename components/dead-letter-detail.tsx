'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';

import { deliveryQueries } from '@/lib/client/queries';

import { AttemptsTable } from './attempts-table';
import { EmptyState } from './empty-state';
import { PayloadView } from './payload-view';
import { QueryState } from './query-state';
import { RelativeTime } from './relative-time';

/**
 * Payload and every attempt of one dead-lettered delivery, newest attempt first. Opening it
 * scrolls it into view and moves focus to its heading, because it renders below a long table.
 */
export function DeadLetterDetail({ deliveryId, onClose }: { deliveryId: string; onClose: () => void }) {
  const detail = useQuery(deliveryQueries.detail(deliveryId));
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
    headingRef.current?.focus({ preventScroll: true });
  }, [deliveryId]);

  return (
    <section className="panel" aria-labelledby="dead-letter-detail-heading" data-testid="dead-letter-detail">
      <header className="panel-header">
        <h2 id="dead-letter-detail-heading" ref={headingRef} tabIndex={-1}>
          Delivery <span className="mono">{deliveryId}</span>
        </h2>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="panel-body">
        <QueryState query={detail} subject="the delivery">
          {(delivery) => (
            <>
              <dl className="facts">
                <div>
                  <dt>Status</dt>
                  <dd>{delivery.status}</dd>
                </div>
                <div className="wide">
                  <dt>Event</dt>
                  <dd className="mono">{delivery.eventId}</dd>
                </div>
                <div>
                  <dt>Created</dt>
                  <dd>
                    <RelativeTime iso={delivery.createdAt} mode="local" />
                  </dd>
                </div>
                <div>
                  <dt>Dead reason</dt>
                  <dd>{delivery.deadReason ?? '–'}</dd>
                </div>
                <div>
                  <dt>Replays</dt>
                  <dd>{delivery.replayCount}</dd>
                </div>
              </dl>
              <h3>Payload</h3>
              <PayloadView deliveryId={delivery.id} payload={delivery.payload} payloadBase64={delivery.payloadBase64} />
              <h3>Attempts</h3>
              {delivery.attempts.length === 0 ? (
                <EmptyState title="No attempts were made." />
              ) : (
                <AttemptsTable attempts={[...delivery.attempts].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))} />
              )}
            </>
          )}
        </QueryState>
      </div>
    </section>
  );
}
