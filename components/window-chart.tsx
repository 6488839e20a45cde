'use client';

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type BarShapeProps } from 'recharts';

import type { Bucket } from '@/lib/client/queries';

import { CHART_COLORS, ChartLegend, TOOLTIP_CURSOR } from './chart-legend';
import { formatClock, formatCount, formatTimeTick, formatUtc } from './format';
import { PLOT_MARGIN, timeTicks, Y_AXIS_WIDTH, type TimeDomain } from './time-axis';

/** Tooltips of every window chart on a page move together, because they share this id. */
const SYNC_ID = 'endpoint-window';
const CHART_HEIGHT = 220;
const MIN_BAR_WIDTH = 2;

type Props = {
  /** Visible caption, e.g. "Error rate per 10 s bucket". */
  title: string;
  /** Every slot of the shown period, oldest first, as `fillBuckets` returns them. */
  buckets: Bucket[];
  domain: TimeDomain;
  bucketMs: number;
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

/** One bar: `x` is the bucket's midpoint, so a bar centred there spans the whole bucket. */
type Point = { x: number; start: number; value: number | null; over: boolean; calls: number };

function BucketBar(props: BarShapeProps) {
  const point = props.payload as Point | undefined;
  if (!point || point.value === null) return <g />;
  // A bucket with calls and a value of 0 still gets a 1 px bar, so "no failures" differs from "no calls".
  const height = Math.max(1, Math.abs(props.height));
  const y = props.height >= 1 ? props.y : props.y - 1;
  // A 1 s bucket in 15 minutes is narrower than 2 px on most screens, so thin bars widen about their centre.
  const width = Math.max(props.width, MIN_BAR_WIDTH);
  return (
    <rect
      className="window-bar"
      x={props.x + props.width / 2 - width / 2}
      y={y}
      width={width}
      height={height}
      fill={point.over ? CHART_COLORS.over : CHART_COLORS.below}
      data-start={new Date(point.start).toISOString()}
      data-over={point.over}
    />
  );
}

type TooltipProps = { active: boolean; label: string | number | undefined; points: Map<number, Point>; format: (value: number) => string };

/** Tooltip of the hovered slot, looked up by its x value, so slots without calls get one too. */
function BucketTooltip({ active, label, points, format }: TooltipProps) {
  const point = typeof label === 'number' ? points.get(label) : undefined;
  if (!active || !point) return null;
  return (
    <div className="chart-tooltip">
      <div>
        Bucket from {formatClock(point.start)} <span className="muted">({formatUtc(point.start)})</span>
      </div>
      <div>
        {point.value === null ? 'No calls' : `${format(point.value)} over ${formatCount(point.calls)} calls`}
        {point.over ? ', at or above the threshold' : ''}
      </div>
    </div>
  );
}

/**
 * Bar chart of one window figure per bucket on a time axis: each bar spans its bucket, from
 * its start to the next bucket's start. Bars at or above the threshold are red, bars below it
 * blue, and the threshold is a dashed line.
 */
export function WindowChart({ title, buckets, domain, bucketMs, value, threshold, yAxisLabel, format, yMax, testId }: Props) {
  const points: Point[] = buckets.map((bucket) => {
    const start = Date.parse(bucket.start);
    const figure = value(bucket);
    return { x: start + bucketMs / 2, start, value: figure, over: figure !== null && figure >= threshold, calls: bucket.calls };
  });
  const pointsByX = new Map(points.map((point) => [point.x, point]));
  const withCalls = points.filter((point) => point.value !== null);
  const overCount = withCalls.filter((point) => point.over).length;
  const summary = `${title}: ${withCalls.length} buckets with calls, ${overCount} at or above the threshold of ${format(threshold)}.`;

  return (
    <figure className="chart" data-testid={testId} data-domain-start={domain.start} data-domain-end={domain.end} data-bucket-ms={bucketMs}>
      <figcaption>
        {title} <span className="muted small">(threshold {format(threshold)}, dashed line)</span>
      </figcaption>
      <ChartLegend
        items={[
          { label: 'Below threshold', color: CHART_COLORS.below },
          { label: 'At or above threshold', color: CHART_COLORS.over },
          { label: `Threshold ${format(threshold)}`, color: CHART_COLORS.threshold, kind: 'dashed' },
        ]}
      />
      <p className="visually-hidden">{summary} The table of figures per bucket lists every value.</p>
      <div className="chart-area" style={{ height: CHART_HEIGHT }}>
        {withCalls.length === 0 ? (
          <p className="chart-empty" data-testid="chart-empty">
            No calls between {formatClock(domain.start)} and {formatClock(domain.end)}.
          </p>
        ) : null}
        <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
          <BarChart data={points} syncId={SYNC_ID} margin={PLOT_MARGIN} barCategoryGap="10%">
            <CartesianGrid strokeDasharray="2 4" vertical={false} />
            <XAxis
              dataKey="x"
              type="number"
              domain={[domain.start, domain.end]}
              allowDataOverflow
              ticks={timeTicks(domain)}
              tickFormatter={formatTimeTick}
              minTickGap={24}
              label={{ value: 'Bucket start (local time)', position: 'insideBottom', offset: -18 }}
            />
            <YAxis
              domain={[0, yMax]}
              tickFormatter={(tick: number) => format(tick)}
              width={Y_AXIS_WIDTH}
              label={{ value: yAxisLabel, angle: -90, position: 'insideLeft', offset: -4, style: { textAnchor: 'middle' } }}
            />
            <Tooltip cursor={TOOLTIP_CURSOR} content={(props) => <BucketTooltip active={props.active} label={props.label} points={pointsByX} format={format} />} />
            <ReferenceLine
              y={threshold}
              stroke={CHART_COLORS.threshold}
              strokeDasharray="6 4"
              strokeWidth={2}
              ifOverflow="extendDomain"
              label={{ value: `Threshold ${format(threshold)}`, position: 'insideTopRight', fill: CHART_COLORS.threshold, fontSize: 12 }}
            />
            <Bar dataKey="value" name={yAxisLabel} isAnimationActive={false} shape={BucketBar} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
