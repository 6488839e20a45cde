// Reads an endpoint's SLO figures, state timeline and probe episodes from Postgres.
import { asTier, observabilityConfig } from '../config/observability';
import type { Db } from '../db/tx';
import { sloReport, type SloReport } from './budget';
import { buildProbeEpisodes, type ProbeAttempt, type ProbeEpisode } from './probe-episodes';
import { sloWindows } from './queries';
import { auditMarkers, buildTimeline, MARKER_ACTIONS, type Timeline, type TimelineMarker, type TransitionPoint } from './timeline';

type TransitionRow = { id: string; seq: number; from_state: string; to_state: string; reason: string; actor: string; at: Date };

function toPoint(row: TransitionRow): TransitionPoint {
  return { id: row.id, from: row.from_state, to: row.to_state, reason: row.reason, actor: row.actor, at: row.at.getTime() };
}

/** The endpoint's tier, or null when there is no such endpoint. */
export async function endpointTier(db: Db, endpointId: string): Promise<string | null> {
  const result = await db.query<{ tier: string }>('SELECT tier FROM endpoints WHERE id = $1', [endpointId]);
  return result.rows[0]?.tier ?? null;
}

/** Error budget and burn rates of one endpoint's tier objective, ending at `now`. */
export async function endpointSlo(db: Db, endpointId: string, tier: string, now: number): Promise<SloReport> {
  const cfg = observabilityConfig();
  const windows = await sloWindows(db, endpointId, now, cfg.sloWindowDays);
  return sloReport({ tier, objective: cfg.objectives[asTier(tier)], windowDays: cfg.sloWindowDays, ...windows });
}

/** Transitions from the last one at or before `since` through `until`, in stored order. */
async function transitionsInRange(db: Db, endpointId: string, since: number, until: number): Promise<TransitionPoint[]> {
  const result = await db.query<TransitionRow>(
    `(SELECT id, from_state, to_state, reason, actor, at, seq FROM transitions
       WHERE endpoint_id = $1 AND at <= $2 ORDER BY seq DESC LIMIT 1)
     UNION ALL
     (SELECT id, from_state, to_state, reason, actor, at, seq FROM transitions
       WHERE endpoint_id = $1 AND at > $2 AND at <= $3)
     ORDER BY seq`,
    [endpointId, new Date(since), new Date(until)],
  );
  return result.rows.map(toPoint);
}

export type TimelineView = Timeline & { markers: TimelineMarker[] };

/** State intervals, unavailable episodes and override/config/alert markers in [since, until]. */
export async function endpointTimeline(db: Db, endpointId: string, range: { since: number; until: number; now: number }): Promise<TimelineView> {
  const transitions = await transitionsInRange(db, endpointId, range.since, range.until);
  const audit = await db.query<{ id: string; action: string; actor: string; reason: string | null; before: unknown; after: unknown; at: Date }>(
    `SELECT id, action, actor, reason, before, after, at FROM audit_entries
      WHERE target_id = $1 AND action = ANY($2::text[]) AND at >= $3 AND at <= $4
      ORDER BY seq`,
    [endpointId, MARKER_ACTIONS, new Date(range.since), new Date(range.until)],
  );
  const markers = auditMarkers(audit.rows.map((row) => ({ ...row, at: row.at.getTime() })));
  return { ...buildTimeline(transitions, range), markers };
}

/**
 * Half-open episodes that started in [since, until], newest first, with the probe attempts
 * that started in each. At most `limit` episodes.
 */
export async function endpointProbeEpisodes(
  db: Db,
  endpointId: string,
  range: { since: number; until: number; limit: number },
): Promise<ProbeEpisode[]> {
  // Each episode needs the transition that ended it, which is the next one in stored order.
  const starts = await db.query<{ seq: number }>(
    `SELECT seq FROM transitions
      WHERE endpoint_id = $1 AND to_state = 'half_open' AND at >= $2 AND at <= $3
      ORDER BY seq DESC LIMIT $4`,
    [endpointId, new Date(range.since), new Date(range.until), range.limit],
  );
  if (starts.rows.length === 0) return [];

  const firstSeq = starts.rows[starts.rows.length - 1].seq;
  const lastSeq = starts.rows[0].seq;
  const transitions = await db.query<TransitionRow>(
    `(SELECT id, from_state, to_state, reason, actor, at, seq FROM transitions
       WHERE endpoint_id = $1 AND seq >= $2 AND seq <= $3)
     UNION ALL
     (SELECT id, from_state, to_state, reason, actor, at, seq FROM transitions
       WHERE endpoint_id = $1 AND seq > $3 ORDER BY seq LIMIT 1)
     ORDER BY seq`,
    [endpointId, firstSeq, lastSeq],
  );

  const points = transitions.rows.map(toPoint);
  const from = points[0].at;
  const to = points[points.length - 1].to === 'half_open' ? null : points[points.length - 1].at;
  const attempts = await db.query<{ id: string; delivery_id: string; started_at: Date; outcome: string; status: number | null; duration_ms: number }>(
    `SELECT id, delivery_id, started_at, outcome, status, duration_ms FROM attempts
      WHERE endpoint_id = $1 AND probe AND started_at >= $2 AND ($3::timestamptz IS NULL OR started_at < $3)
      ORDER BY started_at`,
    [endpointId, new Date(from), to === null ? null : new Date(to)],
  );

  const probes: ProbeAttempt[] = attempts.rows.map((row) => ({
    id: row.id,
    deliveryId: row.delivery_id,
    startedAt: row.started_at.getTime(),
    outcome: row.outcome,
    status: row.status,
    durationMs: row.duration_ms,
  }));

  const starting = new Set(starts.rows.map((row) => row.seq));
  const wanted = new Set(transitions.rows.filter((row) => starting.has(row.seq)).map((row) => row.id));
  return buildProbeEpisodes(points, probes).filter((episode) => wanted.has(episode.transitionId));
}
