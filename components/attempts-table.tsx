'use client';

import type { Attempt } from '@/lib/client/queries';

import { formatMs } from './format';
import { RelativeTime } from './relative-time';

export type AttemptRow = Attempt & { deliveryId?: string };

const FAILED_OUTCOMES = new Set(['failure', 'timeout', 'network', 'permanent', 'gone']);

/** Delivery attempts, in the order given, with HTTP status, outcome, duration and the error or response excerpt. */
export function AttemptsTable({ attempts, showDelivery = false }: { attempts: AttemptRow[]; showDelivery?: boolean }) {
  return (
    <div className="table-scroll">
      <table className="data-table compact" data-testid="attempts-table">
        <thead>
          <tr>
            <th scope="col">Started</th>
            {showDelivery ? <th scope="col">Delivery</th> : null}
            <th scope="col" className="num">Attempt</th>
            <th scope="col" className="num">HTTP status</th>
            <th scope="col">Outcome</th>
            <th scope="col" className="num">Duration</th>
            <th scope="col">Route</th>
            <th scope="col">Error or response excerpt</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((attempt) => (
            <tr key={attempt.id} data-testid="attempt-row" data-outcome={attempt.outcome}>
              <td>
                <RelativeTime iso={attempt.startedAt} mode="local" />
              </td>
              {showDelivery ? <td className="mono small">{attempt.deliveryId}</td> : null}
              <td className="num">
                {attempt.number}
                {attempt.probe ? <span className="tag">probe</span> : null}
                {attempt.replay ? <span className="tag">replay</span> : null}
              </td>
              <td className="num">{attempt.status ?? 'no response'}</td>
              <td>
                <span className={`outcome ${FAILED_OUTCOMES.has(attempt.outcome) ? 'outcome-failed' : `outcome-${attempt.outcome}`}`}>
                  {attempt.outcome}
                </span>
              </td>
              <td className="num">{formatMs(attempt.durationMs)}</td>
              <td>{attempt.route}</td>
              <td className="excerpt">
                {attempt.error ? <span className="error-text">{attempt.error}</span> : null}
                {attempt.responseExcerpt ? <code className="response-excerpt">{attempt.responseExcerpt}</code> : null}
                {!attempt.error && !attempt.responseExcerpt ? <span className="muted">–</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
