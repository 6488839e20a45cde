'use client';

import type { BreakerState, StateCounts as Counts } from '@/lib/client/queries';

import { formatCount, STATE_LABELS, STATES_BY_URGENCY } from './format';

type Props = {
  counts: Counts;
  /** State the endpoint table is filtered by, if any. */
  selected: string | undefined;
  /** Filters by the state, or clears the filter when the selected state is clicked again. */
  onSelect: (state: BreakerState | undefined) => void;
};

/** Number of endpoints in each breaker state, the states that need attention first. */
export function StateCounts({ counts, selected, onSelect }: Props) {
  return (
    <ul className="state-counts" data-testid="state-counts" aria-label="Endpoints per breaker state">
      {STATES_BY_URGENCY.map((state) => {
        const count = counts[state] ?? 0;
        const active = selected === state;
        return (
          <li key={state}>
            <button
              type="button"
              className={`state-count state-${state}${count > 0 ? ' has-count' : ''}`}
              data-testid={`state-count-${state}`}
              data-count={count}
              aria-pressed={active}
              title={active ? 'Show endpoints in every state' : `Show only ${STATE_LABELS[state].toLowerCase()} endpoints`}
              onClick={() => onSelect(active ? undefined : state)}
            >
              <span className="state-count-value">{formatCount(count)}</span>
              <span className="state-count-label">{STATE_LABELS[state]}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
