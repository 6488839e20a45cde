'use client';

import type { BreakerState, TransitionRecord } from '@/lib/client/queries';

import { CHART_SPAN_SECONDS } from './fill-buckets';
import { formatClock, formatDuration, stateLabel } from './format';

type Segment = { state: BreakerState; from: number; to: number };
type Marker = { at: number; label: string };

/** Segments narrower than this share of the band get no text label (the hover text remains). */
const MIN_LABEL_SHARE = 0.09;

/** Splits the span ending at `asOf` into one segment per breaker state, oldest first. */
function buildSegments(transitions: TransitionRecord[], asOf: number): { segments: Segment[]; markers: Marker[] } {
  const spanStart = asOf - CHART_SPAN_SECONDS * 1000;
  const ascending = [...transitions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const before = ascending.filter((transition) => Date.parse(transition.at) <= spanStart);
  const inside = ascending.filter((transition) => Date.parse(transition.at) > spanStart && Date.parse(transition.at) <= asOf);

  const segments: Segment[] = [];
  let state: BreakerState | undefined = before.at(-1)?.to ?? inside[0]?.from;
  let from = spanStart;
  const markers: Marker[] = [];

  for (const transition of inside) {
    const at = Date.parse(transition.at);
    if (state && at > from) segments.push({ state, from, to: at });
    if (transition.actor !== 'system') markers.push({ at, label: `${transition.reason.replaceAll('_', ' ')} by ${transition.actor}` });
    state = transition.to;
    from = at;
  }
  if (state) segments.push({ state, from, to: asOf });

  // Transitions that keep the state (e.g. "would trip") split nothing on screen.
  const merged: Segment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last && last.state === segment.state && last.to === segment.from) last.to = segment.to;
    else merged.push({ ...segment });
  }
  return { segments: merged, markers };
}

/** Band of breaker states over the last 15 minutes, with operator actions marked. */
export function StateTimeline({ transitions, asOf }: { transitions: TransitionRecord[]; asOf: number }) {
  const { segments, markers } = buildSegments(transitions, asOf);
  const span = CHART_SPAN_SECONDS * 1000;
  const spanStart = asOf - span;
  if (segments.length === 0) return null;

  return (
    <figure className="state-timeline" data-testid="state-timeline">
      <figcaption>Breaker state, last 15 minutes</figcaption>
      <div className="timeline-band">
        {segments.map((segment) => {
          const share = (segment.to - segment.from) / span;
          const text = `${stateLabel(segment.state)} from ${formatClock(segment.from)} to ${formatClock(segment.to)} (${formatDuration(segment.to - segment.from)})`;
          return (
            <div
              key={segment.from}
              className={`timeline-segment state-${segment.state}`}
              style={{ width: `${share * 100}%` }}
              title={text}
              data-state={segment.state}
            >
              {share >= MIN_LABEL_SHARE ? <span aria-hidden="true">{stateLabel(segment.state)}</span> : null}
            </div>
          );
        })}
        {markers.map((marker) => (
          <div
            key={`${marker.at}-${marker.label}`}
            className="timeline-marker"
            style={{ left: `${((marker.at - spanStart) / span) * 100}%` }}
            title={`${formatClock(marker.at)}: ${marker.label}`}
          />
        ))}
      </div>
      <div className="timeline-axis small muted" aria-hidden="true">
        <span>{formatClock(spanStart)}</span>
        <span>{formatClock(asOf)}</span>
      </div>
      <ol className="visually-hidden">
        {segments.map((segment) => (
          <li key={segment.from}>
            {stateLabel(segment.state)} from {formatClock(segment.from)} to {formatClock(segment.to)}
          </li>
        ))}
      </ol>
    </figure>
  );
}
