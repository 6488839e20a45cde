'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { ProbeEpisode } from '@/lib/client/queries';

import { CHART_COLORS, ChartLegend, TOOLTIP_CURSOR } from './chart-legend';
import { EmptyState } from './empty-state';
import { formatClock, formatLocalTime, formatPercent, formatUtc } from './format';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from './time-axis';

const RESULT_LABELS: Record<string, string> = {
  closed: 'Closed',
  reopened: 'Reopened',
  ongoing: 'Still half-open',
};

type Point = { label: string; successes: number; failures: number; other: number };

/**
 * Probe outcomes per half-open episode of the last 24 hours: successes, failures and other
 * outcomes (throttled or rejected probes) stacked per episode, oldest on the left, and a
 * table of the same figures.
 */
export function ProbeEpisodes({ episodes, successThreshold }: { episodes: ProbeEpisode[]; successThreshold: number }) {
  if (episodes.length === 0) {
    return (
      <EmptyState title="No half-open episodes in the last 24 hours.">
        After the reset timeout an open breaker sends probes; each try at recovery appears here.
      </EmptyState>
    );
  }

  const points: Point[] = [...episodes].reverse().map((episode, index) => ({
    label: `#${index + 1} ${formatClock(episode.startedAt)}`,
    successes: episode.successes,
    failures: episode.failures,
    other: episode.probes - episode.successes - episode.failures,
  }));

  return (
    <figure className="chart" data-testid="probe-episodes">
      <figcaption>
        Probe outcomes per half-open episode{' '}
        <span className="muted small">({successThreshold} consecutive successes close the breaker; one failure reopens it)</span>
      </figcaption>
      <ChartLegend
        items={[
          { label: 'Successful probes', color: CHART_COLORS.success },
          { label: 'Failed probes', color: CHART_COLORS.failure },
          { label: 'Other outcomes (throttled, rejected)', color: CHART_COLORS.other },
        ]}
      />
      <div className="chart-area small-chart">
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={points} margin={PLOT_MARGIN} maxBarSize={48}>
            <CartesianGrid strokeDasharray="2 4" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} label={{ value: 'Half-open episode, start (local time)', position: 'insideBottom', offset: -18 }} />
            <YAxis
              allowDecimals={false}
              width={Y_AXIS_WIDTH}
              label={{ value: 'Probes (count)', angle: -90, position: 'insideLeft', offset: -4, style: { textAnchor: 'middle' } }}
            />
            <Tooltip cursor={TOOLTIP_CURSOR} />
            <Bar dataKey="successes" name="Successful probes" stackId="probes" fill={CHART_COLORS.success} isAnimationActive={false} />
            <Bar dataKey="failures" name="Failed probes" stackId="probes" fill={CHART_COLORS.failure} isAnimationActive={false} />
            <Bar dataKey="other" name="Other outcomes" stackId="probes" fill={CHART_COLORS.other} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>

      <div className="table-scroll figures-table">
        <table className="data-table compact" data-testid="probe-episodes-table">
          <caption>Each half-open episode, newest first, as the probes route returns it.</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col">Result</th>
              <th scope="col" className="num">Probes</th>
              <th scope="col" className="num">Successes</th>
              <th scope="col" className="num">Failures</th>
              <th scope="col" className="num">Success rate</th>
            </tr>
          </thead>
          <tbody>
            {episodes.map((episode) => (
              <tr key={episode.transitionId} data-testid="probe-episode-row" data-transition-id={episode.transitionId} data-result={episode.result}>
                <td>
                  <time dateTime={episode.startedAt} title={formatUtc(episode.startedAt)}>
                    {formatLocalTime(episode.startedAt)}
                  </time>
                </td>
                <td>
                  {episode.endedAt ? (
                    <time dateTime={episode.endedAt} title={formatUtc(episode.endedAt)}>
                      {formatLocalTime(episode.endedAt)}
                    </time>
                  ) : (
                    '–'
                  )}
                </td>
                <td>
                  {RESULT_LABELS[episode.result] ?? episode.result.replaceAll('_', ' ')}
                  {episode.endReason ? <div className="small muted mono">{episode.endReason}</div> : null}
                </td>
                <td className="num" data-value={episode.probes}>
                  {episode.probes}
                </td>
                <td className="num" data-value={episode.successes}>
                  {episode.successes}
                </td>
                <td className="num" data-value={episode.failures}>
                  {episode.failures}
                </td>
                <td className="num" data-value={episode.successRate ?? ''}>
                  {formatPercent(episode.successRate)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
