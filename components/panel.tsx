import { useId, type ReactNode } from 'react';

type Props = {
  title: string;
  /** Controls or figures shown at the right of the heading. */
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
};

/** Titled section of a page. Its heading labels the region for screen readers. */
export function Panel({ title, actions, children, testId }: Props) {
  const headingId = useId();
  return (
    <section className="panel" aria-labelledby={headingId} data-testid={testId}>
      <header className="panel-header">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
