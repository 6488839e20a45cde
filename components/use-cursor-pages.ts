'use client';

import { useState } from 'react';

/**
 * Keeps the cursors of the pages visited so far, so a cursor-paged list can go back.
 * Changing `resetKey` (the serialised filters) returns to the first page.
 */
export function useCursorPages(resetKey: string): CursorPages {
  const [cursors, setCursors] = useState<string[]>([]);
  const [currentKey, setCurrentKey] = useState(resetKey);

  if (currentKey !== resetKey) {
    setCurrentKey(resetKey);
    setCursors([]);
  }

  return {
    cursor: cursors.at(-1),
    pageNumber: cursors.length + 1,
    goNext: (nextCursor: string) => setCursors((previous) => [...previous, nextCursor]),
    goPrevious: () => setCursors((previous) => previous.slice(0, -1)),
    goFirst: () => setCursors([]),
  };
}

export type CursorPages = {
  /** Cursor of the page on screen, or undefined for the first page. */
  cursor: string | undefined;
  pageNumber: number;
  goNext: (nextCursor: string) => void;
  goPrevious: () => void;
  goFirst: () => void;
};
