'use client';

import Link from 'next/link';

import type { AuditEntry } from '@/lib/client/queries';

import { RelativeTime } from './relative-time';

function formatJson(value: unknown): string {
  if (value === null || value === undefined) return '–';
  return JSON.stringify(value, null, 2);
}

function TargetCell({ targetId }: { targetId: string | null }) {
  if (!targetId) return <span className="muted">–</span>;
  if (targetId.startsWith('ep_')) {
    return (
      <Link href={`/endpoints/${encodeURIComponent(targetId)}`} className="mono small">
        {targetId}
      </Link>
    );
  }
  return <span className="mono small">{targetId}</span>;
}

type Props = {
  entries: AuditEntry[];
  /** Entry the chain check reported as the first broken one, highlighted when on this page. */
  brokenId?: string;
};

/** Audit entries: who did what to which target, when and why, with the state before and after. */
export function AuditTable({ entries, brokenId }: Props) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Reason</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr
              key={entry.id}
              id={`audit-${entry.id}`}
              data-testid="audit-row"
              data-action={entry.action}
              className={entry.id === brokenId ? 'broken' : undefined}
            >
              <td>
                <RelativeTime iso={entry.at} mode="local" />
                <div className="muted small">
                  <RelativeTime iso={entry.at} />
                </div>
                {entry.id === brokenId ? <div className="field-message">First broken entry of the chain</div> : null}
              </td>
              <td>{entry.actor}</td>
              <td className="mono small">{entry.action}</td>
              <td>
                <TargetCell targetId={entry.targetId} />
              </td>
              <td className="pre-wrap">{entry.reason ?? <span className="muted">–</span>}</td>
              <td>
                {entry.before === null && entry.after === null ? (
                  <span className="muted">–</span>
                ) : (
                  <details>
                    <summary>Before and after</summary>
                    <div className="change">
                      <div>
                        <div className="small muted">Before</div>
                        <pre>{formatJson(entry.before)}</pre>
                      </div>
                      <div>
                        <div className="small muted">After</div>
                        <pre>{formatJson(entry.after)}</pre>
                      </div>
                    </div>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
