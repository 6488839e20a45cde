import { describe, expect, it } from 'vitest';

import { auditMarkers, buildTimeline, changedPaths, type TransitionPoint } from '../../../lib/slo/timeline';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const min = (n: number): number => T0 + n * 60_000;

function transition(id: string, from: string, to: string, atMinute: number, reason = 'r'): TransitionPoint {
  return { id, from, to, reason, actor: 'system', at: min(atMinute) };
}

// Created at 0, opened at 10, half-open at 11, re-opened at 12, half-open at 14, closed at 15.
const HISTORY: TransitionPoint[] = [
  transition('t0', 'closed', 'closed', 0, 'created'),
  transition('t1', 'closed', 'open', 10, 'failure_rate'),
  transition('t2', 'open', 'half_open', 11, 'reset_timeout'),
  transition('t3', 'half_open', 'open', 12, 'probe_failed'),
  transition('t4', 'open', 'half_open', 14, 'reset_timeout'),
  transition('t5', 'half_open', 'closed', 15, 'probes_succeeded'),
];

describe('buildTimeline', () => {
  it('splits the range at each transition', () => {
    const { intervals } = buildTimeline(HISTORY, { since: min(0), until: min(20), now: min(30) });
    expect(intervals.map((i) => i.state)).toEqual(['closed', 'open', 'half_open', 'open', 'half_open', 'closed']);
    expect(intervals.map((i) => (i.from - T0) / 60_000)).toEqual([0, 10, 11, 12, 14, 15]);
    expect(intervals.map((i) => (i.to - T0) / 60_000)).toEqual([10, 11, 12, 14, 15, 20]);
    expect(intervals[1].reason).toBe('failure_rate');
    expect(intervals[1].transitionId).toBe('t1');
    expect(intervals[5].ongoing).toBe(false);
  });

  it('joins an outage into one episode', () => {
    const { openDurations } = buildTimeline(HISTORY, { since: min(0), until: min(20), now: min(30) });
    expect(openDurations).toHaveLength(1);
    expect(openDurations[0].from).toBe(min(10));
    expect(openDurations[0].to).toBe(min(15));
    expect(openDurations[0].durationMs).toBe(5 * 60_000);
    expect(openDurations[0].states).toEqual(['open', 'half_open', 'open', 'half_open']);
    expect(openDurations[0].startedBeforeRange).toBe(false);
    expect(openDurations[0].ongoing).toBe(false);
  });

  it('clips intervals to the range', () => {
    const { intervals, openDurations } = buildTimeline(HISTORY.slice(2), { since: min(13), until: min(14.5), now: min(30) });
    // The state at 13 comes from t3 (re-opened at 12), which starts the slice before the range.
    expect(intervals.map((i) => i.state)).toEqual(['open', 'half_open']);
    expect(intervals[0].from).toBe(min(13));
    expect(intervals[0].reason).toBeNull();
    expect(intervals[1].to).toBe(min(14.5));
    expect(openDurations[0].startedBeforeRange).toBe(true);
  });

  it('marks the last interval ongoing at present', () => {
    const open = HISTORY.slice(0, 2);
    const { intervals, openDurations } = buildTimeline(open, { since: min(0), until: min(20), now: min(20) });
    expect(intervals[1].state).toBe('open');
    expect(intervals[1].ongoing).toBe(true);
    expect(openDurations[0].ongoing).toBe(true);
    expect(openDurations[0].durationMs).toBe(10 * 60_000);
  });

  it('starts at creation when created in range', () => {
    const created = [transition('t0', 'closed', 'closed', 5, 'created')];
    const { intervals } = buildTimeline(created, { since: min(0), until: min(10), now: min(10) });
    expect(intervals).toHaveLength(1);
    expect(intervals[0].from).toBe(min(5));
    expect(intervals[0].reason).toBe('created');
  });

  it('merges a same-state transition', () => {
    const wouldTrip = [
      transition('t0', 'closed', 'forced_closed', 0, 'override_force_closed'),
      transition('t1', 'forced_closed', 'forced_closed', 3, 'would_trip_failure_rate'),
    ];
    const { intervals } = buildTimeline(wouldTrip, { since: min(0), until: min(10), now: min(10) });
    expect(intervals).toHaveLength(1);
    expect(intervals[0].state).toBe('forced_closed');
    expect(intervals[0].durationMs).toBe(10 * 60_000);
  });

  it('counts disabled as no episode', () => {
    const disabled = [transition('t0', 'closed', 'closed', 0), transition('t1', 'closed', 'disabled', 1, 'endpoint_gone')];
    const { openDurations } = buildTimeline(disabled, { since: min(0), until: min(10), now: min(10) });
    expect(openDurations).toEqual([]);
  });

  it('returns nothing for an empty range', () => {
    expect(buildTimeline(HISTORY, { since: min(5), until: min(5), now: min(5) }).intervals).toEqual([]);
    expect(buildTimeline([], { since: min(0), until: min(5), now: min(5) }).intervals).toEqual([]);
  });
});

describe('auditMarkers', () => {
  it('keeps overrides and config changes', () => {
    const markers = auditMarkers([
      { id: 'a1', action: 'breaker.override', actor: 'ops@example.com', reason: 'receiver migration', before: { state: 'closed' }, after: { state: 'forced_open' }, at: min(1) },
      { id: 'a2', action: 'breaker.transition', actor: 'system', reason: 'failure_rate', before: null, after: null, at: min(2) },
      {
        id: 'a3',
        action: 'endpoint.update',
        actor: 'admin',
        reason: null,
        before: { url: 'http://a', breaker: { minVolume: 20, windowSeconds: 60 } },
        after: { url: 'http://a', breaker: { minVolume: 5, windowSeconds: 60 } },
        at: min(3),
      },
    ]);
    expect(markers).toHaveLength(2);
    expect(markers[0].kind).toBe('override');
    expect(markers[0].detail).toEqual(['forced_open']);
    expect(markers[0].reason).toBe('receiver migration');
    expect(markers[1].kind).toBe('config_change');
    expect(markers[1].detail).toEqual(['breaker.minVolume']);
  });
});

describe('changedPaths', () => {
  it('lists changed leaves as dotted paths', () => {
    expect(changedPaths({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 2, d: 4 }, e: 5 })).toEqual(['b.d', 'e']);
  });

  it('compares arrays as values', () => {
    expect(changedPaths({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
    expect(changedPaths({ a: [1, 2] }, { a: [2, 1] })).toEqual(['a']);
  });
});
