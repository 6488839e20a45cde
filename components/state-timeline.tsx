'use client';

import type { StateInterval, Timeline, TimelineMarker } from '@/lib/client/queries';

import { ChartLegend } from './chart-legend';
import { formatClock, formatDuration, formatTimeTick, formatUtc, stateLabel, STATES_BY_URGENCY } from './format';
import { EmptyState } from './empty-state';
import { RelativeTime } from './relative-time';
import { StateBadge } from './state-badge';
import { domainShare, PLOT_INSET, timeTicks, type TimeDomain } from './time-axis';

type Segment = { state: string; from: number; to: number };

/** Segments narrower than this share of the band get no text label (the hover text remains). */
const MIN_LABEL_SHARE = 0.09;

const MARKER_LABELS: Record<TimelineMarker['kind'], string> = {
  override: 'Operator override',
  config_change: 'Configuration change',
  alert: 'Alert raised, acknowledged or resolved',
};

/** Glyph drawn on top of each marker line, so the kinds differ without colour. */
const MARKER_GLYPHS: Record<TimelineMarker['kind'], string> = { override: '◆', config_change: '▲', alert: '●' };

/**
 * Clips the stored state intervals to the domain. The ongoing interval ends at the API's
 * `until`; on screen it runs on to `asOf`, the time the charts were read.
 */
function clipIntervals(intervals: StateInterval[], domain: TimeDomain, asOf: number): Segment[] {
  const segments: Segment[] = [];
  for (const interval of intervals) {
    const end = interval.ongoing ? Math.max(Date.parse(interval.to), asOf) : Date.parse(interval.to);
    const from = Math.max(Date.parse(interval.from), domain.start);
    const to = Math.min(end, domain.end);
    if (to > from) segments.push({ state: interval.state, from, to });
  }
  return segments;
}

function overlaps(interval: StateInterval, domain: TimeDomain): boolean {
  return Date.parse(interval.from) < domain.end && (interval.ongoing || Date.parse(interval.to) > domain.start);
}

function describeMarker(marker: TimelineMarker): string {
  const detail = marker.detail.length > 0 ? ` (${marker.detail.map((item) => item.replaceAll('_', ' ')).join(', ')})` : '';
  return `${MARKER_LABELS[marker.kind]}: ${marker.action}${detail} by ${marker.actor}`;
}

type Props = {
  timeline: Timeline;
  /** The charts' time domain; the band uses the same scale and plot insets. */
  domain: TimeDomain;
  /** When the charts' data was read, in epoch ms. */
  asOf: number;
};

/**
 * Band of breaker states over the charts' period, built by the timeline route from the stored
 * transitions, with override, configuration-change and alert markers from the audit log.
 * Tables under the band list the intervals and markers with the API's values.
 */
export function StateTimeline({ timeline, domain, asOf }: Props) {
  const segments = clipIntervals(timeline.intervals, domain, asOf);
  const markers = timeline.markers.filter((marker) => {
    const at = Date.parse(marker.at);
    return at >= domain.start && at <= domain.end;
  });
  const intervals = timeline.intervals.filter((interval) => overlaps(interval, domain));
  const statesShown = STATES_BY_URGENCY.filter((state) => segments.some((segment) => segment.state === state));
  const kindsShown = (Object.keys(MARKER_LABELS) as TimelineMarker['kind'][]).filter((kind) => markers.some((marker) => marker.kind === kind));

  return (
    <figure className="state-timeline" data-testid="state-timeline" data-domain-start={domain.start} data-domain-end={domain.end}>
      <figcaption>
        Breaker state over the same period{' '}
        <span className="muted small">
          ({formatClock(domain.start)} to {formatClock(domain.end)}, from the stored transitions)
        </span>
      </figcaption>
      {segments.length === 0 ? (
        <EmptyState title="No breaker state recorded in this period.">The timeline route returned no interval that overlaps it.</EmptyState>
      ) : (
        <>
          <ul className="chart-legend small" aria-label="Legend">
            {statesShown.map((state) => (
              <li key={state}>
                <span className={`legend-swatch state-${state}`} aria-hidden="true" />
                {stateLabel(state)}
              </li>
            ))}
            {kindsShown.map((kind) => (
              <li key={kind}>
                <span className={`marker-glyph marker-${kind}`} aria-hidden="true">
                  {MARKER_GLYPHS[kind]}
                </span>
                {MARKER_LABELS[kind]}
              </li>
            ))}
          </ul>
          <div className="timeline-plot" style={{ marginLeft: PLOT_INSET.left, marginRight: PLOT_INSET.right }} aria-hidden="true">
            <div className="timeline-markers">
              {markers.map((marker) => (
                <span
                  key={marker.auditId}
                  className={`marker-glyph marker-${marker.kind}`}
                  style={{ left: `${domainShare(domain, Date.parse(marker.at)) * 100}%` }}
                  title={`${formatClock(marker.at)}: ${describeMarker(marker)}`}
                >
                  {MARKER_GLYPHS[marker.kind]}
                </span>
              ))}
            </div>
            <div className="timeline-band">
              {segments.map((segment) => {
                const share = (segment.to - segment.from) / (domain.end - domain.start);
                return (
                  <div
                    key={segment.from}
                    className={`timeline-segment state-${segment.state}`}
                    style={{ left: `${domainShare(domain, segment.from) * 100}%`, width: `${share * 100}%` }}
                    title={`${stateLabel(segment.state)} from ${formatClock(segment.from)} to ${formatClock(segment.to)} (${formatDuration(segment.to - segment.from)})`}
                    data-testid="timeline-segment"
                    data-state={segment.state}
                  >
                    {share >= MIN_LABEL_SHARE ? <span>{stateLabel(segment.state)}</span> : null}
                  </div>
                );
              })}
              {markers.map((marker) => (
                <div
                  key={marker.auditId}
                  className={`timeline-marker marker-line-${marker.kind}`}
                  style={{ left: `${domainShare(domain, Date.parse(marker.at)) * 100}%` }}
                  data-testid="timeline-marker"
                  data-kind={marker.kind}
                />
              ))}
            </div>
            <div className="timeline-ticks small muted">
              {timeTicks(domain).map((tick) => (
                <span key={tick} style={{ left: `${domainShare(domain, tick) * 100}%` }}>
                  {formatTimeTick(tick)}
                </span>
              ))}
            </div>
            <div className="timeline-axis-label small muted">Time (local)</div>
          </div>
        </>
      )}

      <div className="table-scroll figures-table">
        <table className="data-table compact" data-testid="timeline-intervals">
          <caption>State intervals in this period, newest first, so the current state is the top row.</caption>
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col" className="num">Duration</th>
              <th scope="col">Entered because</th>
            </tr>
          </thead>
          <tbody>
            {[...intervals].reverse().map((interval) => (
              <tr key={`${interval.from}-${interval.state}`} data-testid="interval-row" data-state={interval.state}>
                <td>
                  <StateBadge state={interval.state} />
                </td>
                <td>
                  <time dateTime={interval.from} title={formatUtc(interval.from)}>
                    {formatClock(interval.from)}
                  </time>
                </td>
                <td>
                  {interval.ongoing ? (
                    'now (ongoing)'
                  ) : (
                    <time dateTime={interval.to} title={formatUtc(interval.to)}>
                      {formatClock(interval.to)}
                    </time>
                  )}
                </td>
                <td className="num" data-value={interval.durationMs}>
                  {formatDuration(interval.durationMs)}
                </td>
                <td className="small">
                  {interval.reason ? (
                    <>
                      <span className="mono">{interval.reason}</span> by {interval.actor}
                    </>
                  ) : (
                    <span className="muted">began before the range</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {markers.length > 0 ? (
        <div className="table-scroll figures-table">
          <table className="data-table compact" data-testid="timeline-markers">
            <caption>Markers in this period, from the audit log.</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Detail</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {markers.map((marker) => (
                <tr key={marker.auditId} data-testid="marker-row" data-kind={marker.kind} data-action={marker.action}>
                  <td>
                    <RelativeTime iso={marker.at} mode="local" />
                  </td>
                  <td>
                    <span className={`marker-glyph marker-${marker.kind}`} aria-hidden="true">
                      {MARKER_GLYPHS[marker.kind]}
                    </span>{' '}
                    {MARKER_LABELS[marker.kind]}
                  </td>
                  <td className="mono small">{marker.action}</td>
                  <td>{marker.actor}</td>
                  <td className="small">{marker.detail.length > 0 ? marker.detail.join(', ') : '–'}</td>
                  <td className="pre-wrap small">{marker.reason ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="small muted">No override, configuration change or alert in this period.</p>
      )}
    </figure>
  );
}
