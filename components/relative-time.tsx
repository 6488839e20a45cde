'use client';

import { formatDuration, formatLocalTime, formatRelative, formatUtc } from './format';
import { useNow } from './use-now';

type Props = {
  /** ISO time. Null renders an en dash. */
  iso: string | null | undefined;
  /**
   * `ago`: "4 minutes ago". `duration`: the time elapsed since `iso`, "4 minutes".
   * `local`: the local date and time.
   */
  mode?: 'ago' | 'duration' | 'local';
};

/** Time in words or in the local zone, with the UTC value on hover. */
export function RelativeTime({ iso, mode = 'ago' }: Props) {
  const now = useNow();
  if (!iso) return <span>–</span>;

  let text: string;
  if (mode === 'duration') text = formatDuration(now - Date.parse(iso));
  else if (mode === 'local') text = formatLocalTime(iso);
  else text = formatRelative(iso, now);

  return (
    <time dateTime={iso} title={mode === 'local' ? formatUtc(iso) : `${formatLocalTime(iso)} (${formatUtc(iso)})`}>
      {text}
    </time>
  );
}
