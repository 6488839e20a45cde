import type { ReactNode } from 'react';

/** Message shown in place of a table or chart that has no rows. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="panel-state empty-state" data-testid="empty-state">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-hint">{children}</div> : null}
    </div>
  );
}
