'use client';

import Link from 'next/link';

import type { Delivery } from '@/lib/client/queries';

import { RelativeTime } from './relative-time';

type Props = {
  deliveries: Delivery[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (select: boolean) => void;
  /** Delivery whose payload and attempts are shown. */
  activeId: string | null;
  onOpen: (id: string) => void;
};

/** Dead-lettered deliveries with a checkbox each; clicking a row opens its payload and attempts. */
export function DeadLetterTable({ deliveries, selected, onToggle, onToggleAll, activeId, onOpen }: Props) {
  const allSelected = deliveries.length > 0 && deliveries.every((delivery) => selected.has(delivery.id));
  const someSelected = deliveries.some((delivery) => selected.has(delivery.id));

  return (
    <div className="table-scroll">
      <table className="data-table selectable" data-testid="dead-letter-table">
        <thead>
          <tr>
            <th scope="col" className="check">
              <input
                type="checkbox"
                aria-label="Select every dead letter on this page"
                checked={allSelected}
                ref={(input) => {
                  if (input) input.indeterminate = someSelected && !allSelected;
                }}
                onChange={(event) => onToggleAll(event.target.checked)}
              />
            </th>
            <th scope="col">Delivery</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Created</th>
            <th scope="col" className="num">Attempts</th>
            <th scope="col">Dead reason</th>
            <th scope="col">Last error</th>
            <th scope="col" className="num">Replays</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr
              key={delivery.id}
              data-testid="dead-letter-row"
              data-delivery-id={delivery.id}
              className={delivery.id === activeId ? 'active' : undefined}
              aria-current={delivery.id === activeId ? 'true' : undefined}
              onClick={() => onOpen(delivery.id)}
            >
              <td className="check" onClick={(event) => event.stopPropagation()}>
                <input
                  type="checkbox"
                  aria-label={`Select ${delivery.id}`}
                  checked={selected.has(delivery.id)}
                  onChange={() => onToggle(delivery.id)}
                  data-testid="dead-letter-select"
                />
              </td>
              <td>
                <button
                  type="button"
                  className="link-button mono"
                  aria-expanded={delivery.id === activeId}
                  onClick={(event) => {
                    event.stopPropagation();
                    onOpen(delivery.id);
                  }}
                >
                  {delivery.id}
                </button>
              </td>
              <td onClick={(event) => event.stopPropagation()}>
                <Link href={`/endpoints/${encodeURIComponent(delivery.endpointId)}`} className="mono small">
                  {delivery.endpointId}
                </Link>
              </td>
              <td>
                <RelativeTime iso={delivery.createdAt} />
              </td>
              <td className="num">{delivery.attempts}</td>
              <td>{delivery.deadReason ?? '–'}</td>
              <td className="excerpt">{delivery.lastError ?? '–'}</td>
              <td className="num">{delivery.replayCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
