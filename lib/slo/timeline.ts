// Builds a breaker's state timeline from its transition rows: pure, times in ms.

/**
 * States in which the breaker sends nothing but probes. An unavailable episode runs from the
 * moment the breaker enters one of them from a sending state until it returns to a sending
 * state, so open → half_open → open counts as one episode. `disabled` is left out: it is an
 * operator's or a 410's decision to stop, not a failing receiver.
 */
export const UNAVAILABLE_STATES: readonly string[] = ['open', 'half_open', 'forced_open'];

export function isUnavailable(state: string): boolean {
  return UNAVAILABLE_STATES.includes(state);
}

export type TransitionPoint = { id: string; from: string; to: string; reason: string; actor: string; at: number };

export type StateInterval = {
  state: string;
  from: number;
  to: number;
  durationMs: number;
  /** Reason and actor of the transition that entered the state; null when it began before `since`. */
  reason: string | null;
  actor: string | null;
  transitionId: string | null;
  /** True for the last interval when the range reaches the present. */
  ongoing: boolean;
};

export type OpenEpisode = {
  from: number;
  to: number;
  durationMs: number;
  ongoing: boolean;
  /** True when the episode began before `since`, so `from` is clipped to the range start. */
  startedBeforeRange: boolean;
  /** Unavailable states in the order the episode passed through them, such as open, half_open, open. */
  states: string[];
};

export type Timeline = { intervals: StateInterval[]; openDurations: OpenEpisode[] };

/**
 * Splits [since, until] into state intervals. `transitions` are the endpoint's transitions in
 * stored order: the last one at or before `since` (if any) and every one after it up to
 * `until`. Adjacent intervals of the same state (a would-trip record, say) are merged. Nothing
 * is returned before the endpoint's first transition, which is its creation.
 */
export function buildTimeline(transitions: TransitionPoint[], range: { since: number; until: number; now: number }): Timeline {
  const { since, until } = range;
  const intervals: StateInterval[] = [];
  if (until <= since || transitions.length === 0) return { intervals, openDurations: [] };

  let index = 0;
  let current: Omit<StateInterval, 'to' | 'durationMs' | 'ongoing'>;
  // The state at `since` is the target of the last transition at or before it.
  while (index + 1 < transitions.length && transitions[index + 1].at <= since) index++;
  const first = transitions[index];
  if (first.at <= since) {
    current = { state: first.to, from: since, reason: null, actor: null, transitionId: null };
    index++;
  } else {
    if (first.at >= until) return { intervals, openDurations: [] };
    current = { state: first.to, from: first.at, reason: first.reason, actor: first.actor, transitionId: first.id };
    index++;
  }

  for (; index < transitions.length; index++) {
    const t = transitions[index];
    if (t.at >= until) break;
    if (t.to === current.state) continue;
    const at = Math.max(t.at, current.from);
    intervals.push({ ...current, to: at, durationMs: at - current.from, ongoing: false });
    current = { state: t.to, from: at, reason: t.reason, actor: t.actor, transitionId: t.id };
  }
  intervals.push({ ...current, to: until, durationMs: until - current.from, ongoing: until >= range.now });

  return { intervals, openDurations: openEpisodes(intervals, since) };
}

/** Joins consecutive unavailable intervals into episodes. */
export function openEpisodes(intervals: StateInterval[], since: number): OpenEpisode[] {
  const episodes: OpenEpisode[] = [];
  let episode: OpenEpisode | null = null;
  for (const interval of intervals) {
    if (!isUnavailable(interval.state)) {
      episode = null;
      continue;
    }
    if (episode === null) {
      episode = {
        from: interval.from,
        to: interval.to,
        durationMs: 0,
        ongoing: false,
        startedBeforeRange: interval.from === since && interval.transitionId === null,
        states: [],
      };
      episodes.push(episode);
    }
    episode.to = interval.to;
    episode.durationMs = episode.to - episode.from;
    episode.ongoing = interval.ongoing;
    episode.states.push(interval.state);
  }
  return episodes;
}

export type AuditPoint = { id: string; action: string; actor: string; reason: string | null; before: unknown; after: unknown; at: number };

export type TimelineMarker = {
  kind: 'override' | 'config_change' | 'alert';
  at: number;
  actor: string;
  action: string;
  reason: string | null;
  auditId: string;
  /** Override: the state set. Config change: the settings that changed, as dotted paths. */
  detail: string[];
};

const MARKER_KINDS: Record<string, TimelineMarker['kind']> = {
  'breaker.override': 'override',
  'endpoint.create': 'config_change',
  'endpoint.update': 'config_change',
  'endpoint.disabled': 'config_change',
  'alert.raise': 'alert',
  'alert.resolve': 'alert',
  'alert.acknowledge': 'alert',
};

export const MARKER_ACTIONS = Object.keys(MARKER_KINDS);

/** Turns audit entries into chart markers; entries of other actions are skipped. */
export function auditMarkers(entries: AuditPoint[]): TimelineMarker[] {
  const markers: TimelineMarker[] = [];
  for (const entry of entries) {
    const kind = MARKER_KINDS[entry.action];
    if (!kind) continue;
    let detail: string[] = [];
    if (entry.action === 'endpoint.create') detail = ['created'];
    else if (kind === 'config_change') detail = changedPaths(entry.before, entry.after);
    if (kind === 'override') {
      const state = (entry.after as { state?: unknown } | null)?.state;
      detail = typeof state === 'string' ? [state] : [];
    }
    markers.push({ kind, at: entry.at, actor: entry.actor, action: entry.action, reason: entry.reason, auditId: entry.id, detail });
  }
  return markers;
}

/** Dotted paths of the leaves that differ between two JSON values, such as "breaker.minVolume". */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(before) || !isObject(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix || '(all)'];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) => changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key));
}
