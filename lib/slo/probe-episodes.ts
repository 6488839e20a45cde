import type { TransitionPoint } from './timeline';

export type ProbeAttempt = {
  id: string;
  deliveryId: string;
  startedAt: number;
  outcome: string;
  status: number | null;
  durationMs: number;
};

export type ProbeEpisode = {
  /** The transition into half_open that started the episode. */
  transitionId: string;
  startedAt: number;
  endedAt: number | null;
  /** closed, reopened (back to open), ongoing, or the operator state that ended it. */
  result: string;
  endReason: string | null;
  probes: number;
  successes: number;
  failures: number;
  attempts: ProbeAttempt[];
};

// Outcomes a half-open breaker counts as a failed probe (see the outcome table in lib/breaker).
const FAILED_PROBE = new Set(['failure', 'timeout', 'network']);

/**
 * Groups probe attempts by the half-open episode they started in. `transitions` are in stored
 * order and must include the transition that ended each episode; `attempts` are probe
 * attempts. Episodes come back newest first.
 */
export function buildProbeEpisodes(transitions: TransitionPoint[], attempts: ProbeAttempt[]): ProbeEpisode[] {
  const episodes: ProbeEpisode[] = [];
  for (let i = 0; i < transitions.length; i++) {
    const start = transitions[i];
    if (start.to !== 'half_open') continue;
    const end = transitions[i + 1] ?? null;
    const inEpisode = attempts
      .filter((a) => a.startedAt >= start.at && (end === null || a.startedAt < end.at))
      .sort((a, b) => a.startedAt - b.startedAt);
    const successes = inEpisode.filter((a) => a.outcome === 'success').length;
    const failures = inEpisode.filter((a) => FAILED_PROBE.has(a.outcome)).length;
    let result = 'ongoing';
    if (end !== null) result = end.to === 'open' ? 'reopened' : end.to;
    episodes.push({
      transitionId: start.id,
      startedAt: start.at,
      endedAt: end?.at ?? null,
      result,
      endReason: end?.reason ?? null,
      probes: inEpisode.length,
      successes,
      failures,
      attempts: inEpisode,
    });
  }
  return episodes.reverse();
}
