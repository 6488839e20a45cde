'use client';

type Props = {
  pageNumber: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  onFirst: () => void;
  /** Rows on the current page. */
  rowCount: number;
};

/** Previous / next controls for a cursor-paged table. */
export function Pager({ pageNumber, nextCursor, onNext, onPrevious, onFirst, rowCount }: Props) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button" onClick={onFirst} disabled={pageNumber === 1}>
        First page
      </button>
      <button type="button" className="button" onClick={onPrevious} disabled={pageNumber === 1}>
        Previous
      </button>
      <span className="pager-position" aria-live="polite">
        Page {pageNumber} · {rowCount} {rowCount === 1 ? 'row' : 'rows'}
      </span>
      <button type="button" className="button" onClick={() => nextCursor && onNext(nextCursor)} disabled={!nextCursor}>
        Next
      </button>
    </nav>
  );
}
