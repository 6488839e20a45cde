'use client';

import { RelativeTime } from './relative-time';
import { useNow } from './use-now';

/** Shows that the receiver asked for a pause (429, or 503 with Retry-After) until a time. */
export function PausedNote({ pausedUntil }: { pausedUntil: string | null | undefined }) {
  const now = useNow();
  if (!pausedUntil || Date.parse(pausedUntil) <= now) return null;
  return (
    <div className="paused-note small" data-testid="paused-note">
      Paused by receiver, resumes <RelativeTime iso={pausedUntil} />
    </div>
  );
}
