import type { Db } from '../db/tx';

export type ClaimedDelivery = {
  id: string;
  endpointId: string;
  eventId: string;
  attempts: number;
  /** When the delivery entered the queue (creation or replay); maxAge counts from here. */
  queuedAt: number;
  replayCount: number;
  body: Buffer;
  contentType: string | null;
  /** The producer's event type (for example GitHub's X-GitHub-Event), when known. */
  eventType: string | null;
  probe: boolean;
  /** primary; fallback (held endpoint, sent to its fallback URL); fallback_final (last try before dead). */
  route: DeliveryRoute;
};

export type DeliveryRoute = 'primary' | 'fallback' | 'fallback_final';

type ClaimRow = {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  queued_at: Date;
  replay_count: number;
  body: Buffer;
  content_type: string | null;
  event_type: string | null;
  probe: boolean;
  route: string | null;
};

function toClaimed(row: ClaimRow): ClaimedDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    attempts: row.attempts,
    queuedAt: row.queued_at.getTime(),
    replayCount: row.replay_count,
    body: row.body,
    contentType: row.content_type,
    eventType: row.event_type,
    probe: row.probe,
    route: row.route === 'fallback' || row.route === 'fallback_final' ? row.route : 'primary',
  };
}

// A delivery is due when it waits for its next attempt, or when the instance that claimed it
// let its lease run out (it crashed or lost the database): then another instance takes it over.
const DUE = `((d.status IN ('pending', 'failed') AND d.next_attempt_at <= $1)
              OR (d.status = 'in_flight' AND d.lease_until < $1))`;

const WITH_BODY = `
  SELECT c.*, e.body, e.headers->>'content-type' AS content_type, e.event_type
    FROM claimed c JOIN events e ON e.id = c.event_id`;

/**
 * Claims due deliveries of endpoints whose breaker lets traffic through, at most `capacity`
 * per endpoint (endpoints missing from `capacities` get `defaultCapacity`, those given 0 are
 * skipped), using FOR UPDATE SKIP LOCKED so instances never claim the same row. Endpoints that
 * are open, forced open, disabled or paused are not even read: their deliveries wait without
 * spending an attempt.
 *
 * The claim takes a share lock on each breaker row it reads, and a transition needs the row's
 * exclusive lock. So a trip waits for claims already reading the breaker as closed, and a
 * claim skips a breaker whose transition is being written. So once a trip commits, no
 * claim made under the old state is still to come.
 */
export async function claimBatch(
  db: Db,
  input: {
    now: number;
    leaseUntil: number;
    instanceId: string;
    batchSize: number;
    defaultCapacity: number;
    capacities: Map<string, number>;
  },
): Promise<ClaimedDelivery[]> {
  const ids = [...input.capacities.keys()];
  const caps = ids.map((id) => input.capacities.get(id) ?? 0);
  // A named statement: PostgreSQL plans this long query once per connection, not per claim.
  const result = await db.query<ClaimRow>({
    name: 'switchyard_claim_batch',
    text: `WITH eligible AS (
       SELECT b.endpoint_id, COALESCE(cap.capacity, $5) AS capacity
         FROM breaker_states b
         LEFT JOIN unnest($6::text[], $7::int[]) AS cap(endpoint_id, capacity) ON cap.endpoint_id = b.endpoint_id
        WHERE b.state IN ('closed', 'forced_closed', 'metrics_only')
          AND (b.paused_until IS NULL OR b.paused_until <= $1)
          AND COALESCE(cap.capacity, $5) > 0
          -- One index probe per kind of due delivery. Written as a plain EXISTS over all
          -- three kinds, the planner turned the test into a scan of the whole deliveries
          -- table once the queue was long, which made every claim cost more as it grew.
          AND ((SELECT true FROM deliveries d
                 WHERE d.endpoint_id = b.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= $1
                 ORDER BY d.next_attempt_at LIMIT 1)
               OR (SELECT true FROM deliveries d
                    WHERE d.endpoint_id = b.endpoint_id AND d.status = 'failed' AND d.next_attempt_at <= $1
                    ORDER BY d.next_attempt_at LIMIT 1)
               OR (SELECT true FROM deliveries d
                    WHERE d.endpoint_id = b.endpoint_id AND d.status = 'in_flight' AND d.lease_until < $1
                    LIMIT 1))
        FOR SHARE OF b SKIP LOCKED
     ),
     -- Each kind of due delivery is read in next_attempt_at order from the index on
     -- (endpoint_id, status, next_attempt_at), so a claim reads about capacity rows per
     -- endpoint instead of sorting the endpoint's whole backlog. Each branch locks up to
     -- capacity rows, and the ranking keeps the oldest capacity of them. The rest are
     -- unlocked when the claim's transaction ends.
     due AS (
       SELECT eligible.endpoint_id, eligible.capacity, picked.id, picked.next_attempt_at
         FROM eligible CROSS JOIN LATERAL (
           SELECT d.id, d.next_attempt_at FROM deliveries d
            WHERE d.endpoint_id = eligible.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= $1
            ORDER BY d.next_attempt_at LIMIT eligible.capacity
            FOR UPDATE SKIP LOCKED
         ) picked
       UNION ALL
       SELECT eligible.endpoint_id, eligible.capacity, picked.id, picked.next_attempt_at
         FROM eligible CROSS JOIN LATERAL (
           SELECT d.id, d.next_attempt_at FROM deliveries d
            WHERE d.endpoint_id = eligible.endpoint_id AND d.status = 'failed' AND d.next_attempt_at <= $1
            ORDER BY d.next_attempt_at LIMIT eligible.capacity
            FOR UPDATE SKIP LOCKED
         ) picked
       UNION ALL
       SELECT eligible.endpoint_id, eligible.capacity, picked.id, picked.next_attempt_at
         FROM eligible CROSS JOIN LATERAL (
           SELECT d.id, d.next_attempt_at FROM deliveries d
            WHERE d.endpoint_id = eligible.endpoint_id AND d.status = 'in_flight' AND d.lease_until < $1
            ORDER BY d.next_attempt_at LIMIT eligible.capacity
            FOR UPDATE SKIP LOCKED
         ) picked
     ),
     candidates AS (
       SELECT ranked.id
         FROM (SELECT due.id, due.capacity, row_number() OVER (PARTITION BY due.endpoint_id ORDER BY due.next_attempt_at) AS rank
                 FROM due) ranked
        WHERE ranked.rank <= ranked.capacity
        LIMIT $4
     ),
     -- The id array makes PostgreSQL update through the primary key. Joined with the CTE
     -- instead, the planner may hash-join against a scan of every delivery row.
     claimed AS (
       UPDATE deliveries d
          SET status = 'in_flight', lease_until = $2, leased_by = $3, probe = false,
              route = CASE WHEN d.route = 'fallback_final' THEN d.route ELSE 'primary' END, updated_at = now()
        WHERE d.id = ANY (ARRAY(SELECT id FROM candidates))
       RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, d.queued_at, d.replay_count, d.probe, d.route
     )
     ${WITH_BODY}`,
    values: [new Date(input.now), new Date(input.leaseUntil), input.instanceId, input.batchSize, input.defaultCapacity, ids, caps],
  });
  return result.rows.map(toClaimed);
}

/** Claims the oldest due delivery of one endpoint as a half-open probe. */
export async function claimProbe(
  db: Db,
  input: { endpointId: string; now: number; leaseUntil: number; instanceId: string },
): Promise<ClaimedDelivery | null> {
  const result = await db.query<ClaimRow>(
    `WITH candidate AS (
       SELECT d.id FROM deliveries d
        WHERE d.endpoint_id = $4 AND ${DUE} AND d.route IS DISTINCT FROM 'fallback_final'
        ORDER BY d.next_attempt_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
     ),
     claimed AS (
       UPDATE deliveries d
          SET status = 'in_flight', lease_until = $2, leased_by = $3, probe = true,
              route = CASE WHEN d.route = 'fallback_final' THEN d.route ELSE 'primary' END, updated_at = now()
         FROM candidate WHERE d.id = candidate.id
       RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, d.queued_at, d.replay_count, d.probe, d.route
     )
     ${WITH_BODY}`,
    [new Date(input.now), new Date(input.leaseUntil), input.instanceId, input.endpointId],
  );
  return result.rows[0] ? toClaimed(result.rows[0]) : null;
}

/**
 * Claims due deliveries for fallback URLs: those of endpoints whose breaker keeps them from
 * traffic (open or forced open) with fallback mode "held" or "both", and those marked for a last try on the
 * fallback before dead-lettering. A disabled endpoint sends nothing, not even to its fallback.
 */
export async function claimFallback(
  db: Db,
  input: { now: number; leaseUntil: number; instanceId: string; batchSize: number; perEndpoint: number },
): Promise<ClaimedDelivery[]> {
  const result = await db.query<ClaimRow>(
    `WITH eligible AS (
       SELECT b.endpoint_id,
              (b.state IN ('open', 'forced_open') AND e.fallback_on IN ('held', 'both')) AS held
         FROM breaker_states b JOIN endpoints e ON e.id = b.endpoint_id
        WHERE e.fallback_url IS NOT NULL AND b.state <> 'disabled'
          AND ((b.state IN ('open', 'forced_open') AND e.fallback_on IN ('held', 'both'))
               OR EXISTS (SELECT 1 FROM deliveries d WHERE d.endpoint_id = b.endpoint_id AND d.route = 'fallback_final' AND ${DUE}))
        FOR SHARE OF b SKIP LOCKED
     ),
     candidates AS (
       SELECT picked.id
         FROM eligible
         CROSS JOIN LATERAL (
           SELECT d.id FROM deliveries d
            WHERE d.endpoint_id = eligible.endpoint_id AND ${DUE}
              AND (eligible.held OR d.route = 'fallback_final')
            ORDER BY d.next_attempt_at
            LIMIT $5
            FOR UPDATE SKIP LOCKED
         ) picked
        LIMIT $4
     ),
     claimed AS (
       UPDATE deliveries d
          SET status = 'in_flight', lease_until = $2, leased_by = $3, probe = false,
              route = CASE WHEN d.route = 'fallback_final' THEN d.route ELSE 'fallback' END, updated_at = now()
        WHERE d.id = ANY (ARRAY(SELECT id FROM candidates))
       RETURNING d.id, d.endpoint_id, d.event_id, d.attempts, d.queued_at, d.replay_count, d.probe, d.route
     )
     ${WITH_BODY}`,
    [new Date(input.now), new Date(input.leaseUntil), input.instanceId, input.batchSize, input.perEndpoint],
  );
  return result.rows.map(toClaimed);
}

/** Returns claimed deliveries that were not attempted (graceful stop) to the queue at once. */
export async function releaseClaims(db: Db, ids: string[], instanceId: string): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE deliveries SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'failed' END,
            route = CASE WHEN route = 'fallback_final' THEN route ELSE 'primary' END,
            lease_until = NULL, leased_by = NULL, probe = false, updated_at = now()
      WHERE id = ANY($1) AND status = 'in_flight' AND leased_by = $2`,
    [ids, instanceId],
  );
}
