'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { OpenEpisode, Timeline } from '@/lib/client/queries';

import { CHART_COLORS, ChartLegend, TOOLTIP_CURSOR } from './chart-legend';
import { EmptyState } from './empty-state';
import { formatDuration, formatLocalTime, formatUtc, plural, stateLabel } from './format';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from './time-axis';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

/** Histogram bins of episode length. A bin contains the durations from its lower bound up to the next bin's. */
const BINS: Array<{ label: string; fromMs: number }> = [
  { label: 'under 10 s', fromMs: 0 },
  { label: '10–30 s', fromMs: 10 * SECOND_MS },
  { label: '30 s–1 min', fromMs: 30 * SECOND_MS },
  { label: '1–5 min', fromMs: MINUTE_MS },
  { label: '5–15 min', fromMs: 5 * MINUTE_MS },
  { label: '15–60 min', fromMs: 15 * MINUTE_MS },
  { label: '1 h or more', fromMs: 60 * MINUTE_MS },
];

/** Returns the number of episodes in each duration bin, in BINS order. */
export function binOpenDurations(episodes: OpenEpisode[]): Array<{ label: string; episodes: number }> {
  const counts = BINS.map((bin) => ({ label: bin.label, episodes: 0 }));
  for (const episode of episodes) {
    let index = BINS.length - 1;
    while (index > 0 && episode.durationMs < BINS[index].fromMs) index -= 1;
    counts[index].episodes += 1;
  }
  return counts;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Distribution of open durations over the timeline route's range (the last 24 hours): how
 * long each stretch of open, half-open and forced open lasted, as a histogram and a table.
 * Ongoing episodes count with their length so far.
 */
export function OpenDurations({ timeline }: { timeline: Timeline }) {
  const episodes = timeline.openDurations;
  if (episodes.length === 0) {
    return (
      <EmptyState title="The breaker was not open in the last 24 hours.">
        Each stretch of open, half-open or forced open appears here with its length.
      </EmptyState>
    );
  }

  const bins = binOpenDurations(episodes);
  const durations = episodes.map((episode) => episode.durationMs);
  const total = durations.reduce((sum, duration) => sum + duration, 0);

  return (
    <figure className="chart" data-testid="open-durations">
      <figcaption>
        Open durations from {formatLocalTime(timeline.since)} to {formatLocalTime(timeline.until)}
      </figcaption>
      <p className="small" data-testid="open-durations-summary">
        {plural(episodes.length, 'episode')}, {formatDuration(total)} unavailable in total; longest{' '}
        {formatDuration(Math.max(...durations))}, median {formatDuration(median(durations))}.
      </p>
      <ChartLegend items={[{ label: 'Episodes whose length falls in the bin', color: CHART_COLORS.over }]} />
      <div className="chart-area small-chart">
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={bins} margin={PLOT_MARGIN} maxBarSize={64}>
            <CartesianGrid strokeDasharray="2 4" vertical={false} />
            <XAxis dataKey="label" interval={0} tick={{ fontSize: 11 }} label={{ value: 'Open duration', position: 'insideBottom', offset: -18 }} />
            <YAxis
              allowDecimals={false}
              width={Y_AXIS_WIDTH}
              label={{ value: 'Episodes (count)', angle: -90, position: 'insideLeft', offset: -4, style: { textAnchor: 'middle' } }}
            />
            <Tooltip cursor={TOOLTIP_CURSOR} formatter={(count) => [String(count), 'Episodes']} />
            <Bar dataKey="episodes" name="Episodes" fill={CHART_COLORS.over} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>

      <div className="table-scroll figures-table">
        <table className="data-table compact" data-testid="open-durations-table">
          <caption>Each episode, newest first, as the timeline route returns it.</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col" className="num">Duration</th>
              <th scope="col">States passed through</th>
            </tr>
          </thead>
          <tbody>
            {[...episodes].reverse().map((episode) => (
              <tr key={episode.from} data-testid="open-episode-row" data-duration-ms={episode.durationMs}>
                <td>
                  <time dateTime={episode.from} title={formatUtc(episode.from)}>
                    {formatLocalTime(episode.from)}
                  </time>
                  {episode.startedBeforeRange ? <div className="small muted">began before the range</div> : null}
                </td>
                <td>
                  {episode.ongoing ? (
                    'ongoing'
                  ) : (
                    <time dateTime={episode.to} title={formatUtc(episode.to)}>
                      {formatLocalTime(episode.to)}
                    </time>
                  )}
                </td>
                <td className="num" data-value={episode.durationMs}>
                  {formatDuration(episode.durationMs)}
                  <div className="small muted">{episode.durationMs.toLocaleString('en-US')} ms</div>
                </td>
                <td>{episode.states.map(stateLabel).join(' → ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
