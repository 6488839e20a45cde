'use client';

import { useEffect, useState } from 'react';

/** Time without a response after which the message reports slow loading. */
const SLOW_AFTER_MS = 10_000;

/** Loading message that reports slow loading after 10 seconds without a response. */
export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  const [slow, setSlow] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);

  return (
    <div className="panel-state loading-state" role="status" aria-live="polite" data-testid="loading-state">
      <span className="spinner" aria-hidden="true" />
      {slow ? (
        <span>
          {label} still loading after 10 seconds. The server has not answered yet; check that Switchyard is running.
        </span>
      ) : (
        <span>{label}</span>
      )}
    </div>
  );
}
