'use client';

import { useEffect, useState } from 'react';

/** Returns the current time in ms, updated every `intervalMs`, so relative times stay true. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);

  return now;
}
