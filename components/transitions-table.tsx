'use client';

import { useState } from 'react';

import type { TransitionRecord } from '@/lib/client/queries';

import { describeTransitionCause } from './describe-transition';
import { formatCount, formatMs, formatPercent, formatPercentile } from './format';
import { RelativeTime } from './relative-time';
import { StateBadge } from './state-badge';

function WindowFigures({ transition }: { transition: TransitionRecord }) {
  const { window } = transition;
  if (!window) return <span className="muted">–</span>;
  return (
    <span className="small">
      {formatCount(window.failures)} of {formatCount(window.calls)} calls failed ({formatPercent(window.errorRate)}),{' '}
      {formatPercentile(window.percentile)} {formatMs(window.latencyPercentileMs)} over {window.windowSeconds} s; min volume{' '}
      {formatCount(window.minVolume)}
    </span>
  );
}

/** Rows shown before "Show all" is pressed. */
const COLLAPSED_ROWS = 20;

/** Breaker transitions, newest first, with the window figures that caused each one. */
export function TransitionsTable({ transitions, successThreshold }: { transitions: TransitionRecord[]; successThreshold?: number }) {
  const [showAll, setShowAll] = useState(false);
  const visibleTransitions = showAll ? transitions : transitions.slice(0, COLLAPSED_ROWS);

  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="transitions-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Reason</th>
            <th scope="col">Actor</th>
            <th scope="col">Window figures</th>
          </tr>
        </thead>
        <tbody>
          {visibleTransitions.map((transition) => (
            <tr
              key={transition.id}
              data-testid="transition-row"
              data-from={transition.from}
              data-to={transition.to}
              data-reason={transition.reasonCode}
            >
              <td>
                <RelativeTime iso={transition.at} mode="local" />
                <div className="muted small">
                  <RelativeTime iso={transition.at} />
                </div>
              </td>
              <td>
                <StateBadge state={transition.from} />
              </td>
              <td>
                <StateBadge state={transition.to} />
              </td>
              <td>
                {describeTransitionCause(transition, successThreshold)}
                <div className="muted small mono">{transition.reasonCode}</div>
              </td>
              <td>{transition.actor}</td>
              <td>
                <WindowFigures transition={transition} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {transitions.length > COLLAPSED_ROWS ? (
        <button type="button" className="button show-all" aria-expanded={showAll} onClick={() => setShowAll(!showAll)}>
          {showAll ? `Show the latest ${COLLAPSED_ROWS} only` : `Show all ${transitions.length} transitions`}
        </button>
      ) : null}
    </div>
  );
}
