// The time axis that the endpoint page's window charts and state band share: one domain in
// epoch milliseconds, tick positions on whole clock steps, and the plot margins that put the
// band's time scale under the charts' time scale.

/** Span of the window charts and the state band, the same 15 minutes that the buckets route covers. */
export const CHART_SPAN_MS = 15 * 60 * 1000;

/** Time range of a chart's x axis, in epoch milliseconds. */
export type TimeDomain = { start: number; end: number };

/** Margins of every time chart. With the Y axis width they place the plot area. */
export const PLOT_MARGIN = { top: 12, right: 24, bottom: 30, left: 16 } as const;
export const Y_AXIS_WIDTH = 84;

/** Left and right offsets, in px, of the plot area inside a chart of PLOT_MARGIN and Y_AXIS_WIDTH. */
export const PLOT_INSET = { left: PLOT_MARGIN.left + Y_AXIS_WIDTH, right: PLOT_MARGIN.right } as const;

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const TICK_STEPS_MS = [
  SECOND_MS,
  5 * SECOND_MS,
  10 * SECOND_MS,
  30 * SECOND_MS,
  MINUTE_MS,
  2 * MINUTE_MS,
  3 * MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  60 * MINUTE_MS,
];

/**
 * Returns tick positions inside the domain on multiples of the smallest clock step that gives
 * at most `maxTicks` ticks. Minute steps fall on whole local minutes in every zone whose UTC
 * offset is a whole number of minutes.
 */
export function timeTicks(domain: TimeDomain, maxTicks = 6): number[] {
  const span = domain.end - domain.start;
  if (!(span > 0)) return [];
  const step = TICK_STEPS_MS.find((candidate) => span / candidate <= maxTicks) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
  const ticks: number[] = [];
  for (let tick = Math.ceil(domain.start / step) * step; tick <= domain.end; tick += step) ticks.push(tick);
  return ticks;
}

/** Returns where `time` falls in the domain, from 0 at its start to 1 at its end, unclamped. */
export function domainShare(domain: TimeDomain, time: number): number {
  return (time - domain.start) / (domain.end - domain.start);
}
