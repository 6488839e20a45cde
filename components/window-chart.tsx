'use client';

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import type { Bucket } from '@/lib/client/queries';

import { formatClock, formatUtc } from './format';

/** Tooltips of every window chart on a page move together, because they share this id. */
const SYNC_ID = 'endpoint-window';

type Props = {
  /** Visible caption, e.g. "Error rate per 10 s bucket". */
  title: string;
  buckets: Bucket[];
  /** Value of one bucket in the chart's unit, or null for a bucket without calls. */
  value: (bucket: Bucket) => number | null;
  threshold: number;
  /** Y axis title with its unit, e.g. "Error rate (%)". */
  yAxisLabel: string;
  /** Formats a value with its unit, e.g. "62.5 %". */
  format: (value: number) => string;
  /** Upper end of the Y axis. 'auto' fits the data and the threshold. */
  yMax: number | 'auto';
  testId: string;
};

type Point = { start: string; below: number | null; above: number | null; calls: number };

/**
 * Bar chart of one window figure per bucket, with the trip threshold as a dashed line.
 * Bars at or above the threshold are red and listed as such in the legend and tooltip.
 */
export function WindowChart({ title, buckets, value, threshold, yAxisLabel, format, yMax, testId }: Props) {
  const points: Point[] = buckets.map((bucket) => {
    const figure = value(bucket);
    const over = figure !== null && figure >= threshold;
    return { start: bucket.start, below: over ? null : figure, above: over ? figure : null, calls: bucket.calls };
  });
  const overCount = points.filter((point) => point.above !== null).length;
  const summary = `${title}: ${buckets.length} buckets, ${overCount} at or above the threshold of ${format(threshold)}.`;

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title} <span className="muted small">(threshold {format(threshold)}, dashed line)</span>
      </figcaption>
      <p className="visually-hidden">{summary} The table of figures per bucket lists every value.</p>
      <div className="chart-area">
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={points} syncId={SYNC_ID} margin={{ top: 16, right: 24, bottom: 24, left: 16 }} barCategoryGap={1}>
            <CartesianGrid strokeDasharray="2 4" vertical={false} />
            <XAxis
              dataKey="start"
              tickFormatter={(start: string) => formatClock(start)}
              minTickGap={40}
              label={{ value: 'Bucket start (local time)', position: 'insideBottom', offset: -14 }}
            />
            <YAxis
              domain={[0, yMax]}
              tickFormatter={(tick: number) => format(tick)}
              width={84}
              label={{ value: yAxisLabel, angle: -90, position: 'insideLeft', offset: -4, style: { textAnchor: 'middle' } }}
            />
            <Tooltip
              labelFormatter={(start) => `${formatClock(String(start))} (${formatUtc(String(start))})`}
              formatter={(figure, name) => [typeof figure === 'number' ? format(figure) : '–', name]}
            />
            <Legend verticalAlign="top" height={24} />
            <ReferenceLine
              y={threshold}
              stroke="#b42318"
              strokeDasharray="6 4"
              strokeWidth={2}
              ifOverflow="extendDomain"
              label={{ value: `Threshold ${format(threshold)}`, position: 'insideTopRight', fill: '#b42318', fontSize: 12 }}
            />
            <Bar dataKey="below" name="Below threshold" stackId="figure" fill="#3b6fb6" isAnimationActive={false} />
            <Bar dataKey="above" name="At or above threshold" stackId="figure" fill="#d92d20" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
