// Formatting shared by the console's components: state names, numbers with units, times and
// durations in words. Times are shown in the browser's zone, and `formatUtc` gives the hover text.

import type { BreakerState, OverrideAction } from '@/lib/client/queries';

export const STATE_LABELS: Record<BreakerState, string> = {
  closed: 'Closed',
  open: 'Open',
  half_open: 'Half-open',
  forced_open: 'Forced open',
  forced_closed: 'Forced closed',
  disabled: 'Disabled',
  metrics_only: 'Metrics only',
};

/** Display order: the states that need attention come first. */
export const STATES_BY_URGENCY: BreakerState[] = ['open', 'half_open', 'forced_open', 'disabled', 'forced_closed', 'metrics_only', 'closed'];

export const ACTION_LABELS: Record<OverrideAction, string> = {
  force_open: 'Force open',
  force_closed: 'Force closed',
  disable: 'Disable',
  metrics_only: 'Metrics only',
  release: 'Release override',
};

export function stateLabel(state: string): string {
  return STATE_LABELS[state as BreakerState] ?? state.replaceAll('_', ' ');
}

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimalFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return integerFormat.format(value);
}

/** Formats a 0..1 ratio as "62.5 %". Null, meaning no calls, becomes an en dash. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '–';
  return `${oneDecimalFormat.format(ratio * 100)} %`;
}

/** Formats milliseconds with at most one decimal, e.g. "19.8 ms" or "2,000 ms". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  return `${oneDecimalFormat.format(ms)} ms`;
}

/** Formats a percentile such as 0.95 as "p95" and 0.999 as "p99.9". */
export function formatPercentile(percentile: number): string {
  return `p${Number((percentile * 100).toFixed(1))}`;
}

/** Formats "1 delivery" / "3 deliveries" style counts. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

const DURATION_UNITS: Array<[unit: string, ms: number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/**
 * Formats a duration in words with at most two units: "45 seconds", "4 minutes",
 * "2 hours 5 minutes". Durations under one second read "less than a second".
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, ms);
  if (total < 1_000) return 'less than a second';

  const parts: string[] = [];
  let rest = total;
  for (const [unit, size] of DURATION_UNITS) {
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      parts.push(plural(amount, unit));
      rest -= amount * size;
    }
    if (parts.length === 2) break;
    // A second unit is only shown right below the first one ("2 hours 5 minutes", not "2 hours 5 seconds").
    if (parts.length === 1 && amount === 0) break;
  }
  return parts.join(' ');
}

/** Formats the time between `iso` and `now` as "4 minutes ago" or "in 4 minutes". */
export function formatRelative(iso: string, now: number): string {
  const delta = Date.parse(iso) - now;
  if (Number.isNaN(delta)) return iso;
  if (Math.abs(delta) < 1_000) return 'just now';
  const words = formatDuration(Math.abs(delta));
  return delta < 0 ? `${words} ago` : `in ${words}`;
}

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const minuteClockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Formats an ISO time in the browser's zone, e.g. "Mar 04, 2026, 14:05:09". */
export function formatLocalTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : localFormat.format(time);
}

/** Formats an ISO time as a wall-clock time in the browser's zone, e.g. "14:05:09". */
export function formatClock(iso: string | number): string {
  const time = typeof iso === 'number' ? iso : Date.parse(iso);
  return Number.isNaN(time) ? String(iso) : clockFormat.format(time);
}

/** Formats an axis tick in the browser's zone: "14:05" on whole minutes, "14:05:30" otherwise. */
export function formatTimeTick(time: number): string {
  if (Number.isNaN(time)) return String(time);
  return time % 60_000 === 0 ? minuteClockFormat.format(time) : clockFormat.format(time);
}

/** Formats an ISO time as UTC for hover text, e.g. "2026-03-04 13:05:09 UTC". */
export function formatUtc(iso: string | number): string {
  const time = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(time)) return String(iso);
  return `${new Date(time).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}
