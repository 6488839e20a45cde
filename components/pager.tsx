'use client';

import type { CursorPages } from './use-cursor-pages';

type Props = {
  /** The list's page state, from useCursorPages. */
  pages: CursorPages;
  /** The page on screen: its rows and the cursor of the next page. */
  page: { data: unknown[]; nextCursor: string | null | undefined };
};

/** Previous / next controls for a cursor-paged table. */
export function Pager({ pages, page }: Props) {
  const { pageNumber, goFirst, goPrevious, goNext } = pages;
  const nextCursor = page.nextCursor;
  const rowCount = page.data.length;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="button" onClick={goFirst} disabled={pageNumber === 1}>
        First page
      </button>
      <button type="button" className="button" onClick={goPrevious} disabled={pageNumber === 1}>
        Previous
      </button>
      <span className="pager-position" aria-live="polite">
        Page {pageNumber} · {rowCount} {rowCount === 1 ? 'row' : 'rows'}
      </span>
      <button type="button" className="button" onClick={() => nextCursor && goNext(nextCursor)} disabled={!nextCursor}>
        Next
      </button>
    </nav>
  );
}
