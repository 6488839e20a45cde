import { describe, expect, it } from 'vitest';

import { buildProbeEpisodes, type ProbeAttempt } from '../../../lib/slo/probe-episodes';
import type { TransitionPoint } from '../../../lib/slo/timeline';

const at = (s: number): number => Date.parse('2026-12-04T10:00:00Z') + s * 1000;
const t = (id: string, from: string, to: string, s: number): TransitionPoint => ({ id, from, to, reason: 'r', actor: 'system', at: at(s) });
const probe = (id: string, s: number, outcome: string): ProbeAttempt => ({ id, deliveryId: `d-${id}`, startedAt: at(s), outcome, status: outcome === 'success' ? 200 : 500, durationMs: 5 });

describe('buildProbeEpisodes', () => {
  const transitions = [
    t('t1', 'closed', 'open', 0),
    t('t2', 'open', 'half_open', 30),
    t('t3', 'half_open', 'open', 32),
    t('t4', 'open', 'half_open', 90),
    t('t5', 'half_open', 'closed', 95),
  ];
  const attempts = [probe('p1', 30, 'failure'), probe('p2', 90, 'success'), probe('p3', 92, 'success'), probe('p4', 94, 'success')];

  it('groups probes by episode, newest first', () => {
    const episodes = buildProbeEpisodes(transitions, attempts);
    expect(episodes.map((e) => e.transitionId)).toEqual(['t4', 't2']);
    expect(episodes[0].result).toBe('closed');
    expect(episodes[0].probes).toBe(3);
    expect(episodes[0].successes).toBe(3);
    expect(episodes[0].failures).toBe(0);
    expect(episodes[1].result).toBe('reopened');
    expect(episodes[1].probes).toBe(1);
    expect(episodes[1].failures).toBe(1);
    expect(episodes[1].endedAt).toBe(at(32));
  });

  it('keeps the last episode ongoing', () => {
    const episodes = buildProbeEpisodes(transitions.slice(0, 4), attempts);
    expect(episodes[0].result).toBe('ongoing');
    expect(episodes[0].endedAt).toBeNull();
    expect(episodes[0].probes).toBe(3);
  });

  it('names an operator end state', () => {
    const episodes = buildProbeEpisodes([t('t1', 'open', 'half_open', 0), t('t2', 'half_open', 'forced_open', 5)], []);
    expect(episodes[0].result).toBe('forced_open');
    expect(episodes[0].probes).toBe(0);
  });
});
