// Breaker, queue, budget and alert figures for the gauges. Several instances share one
// database, so these describe the whole deployment and every instance reports the same values.
import { asTier, observabilityConfig, type Tier } from '../config/observability';
import type { Db } from '../db/tx';
import { budgetRemaining, burnRate, type OutcomeCounts } from '../slo/budget';
import { outcomeCountsByEndpoint } from '../slo/queries';
import { UNAVAILABLE_STATES } from '../slo/timeline';

export type EndpointFigures = {
  id: string;
  tier: Tier;
  state: string;
  /** Start of the current unavailable episode, in ms; null while the breaker sends. */
  unavailableSince: number | null;
  /** Seconds since unavailableSince; 0 while the breaker sends. */
  unavailableSeconds: number;
  waiting: number;
  deadLetters: number;
};

export type BudgetFigures = { remaining: number; burnRate1h: number; burnRate6h: number };

export type SharedState = {
  endpoints: EndpointFigures[];
  budgets: Map<string, BudgetFigures>;
  openAlerts: { kind: string; tier: string; count: number }[];
};

const HOUR_MS = 3_600_000;

export type Availability = Omit<EndpointFigures, 'waiting' | 'deadLetters'>;

/**
 * Reads the breaker state of every endpoint, with the start of its unavailable episode: the
 * latest transition into open, half_open or forced_open from a sending state.
 */
export async function readAvailability(db: Db, now: number): Promise<Availability[]> {
  const result = await db.query<{ id: string; tier: string; state: string; since: Date; unavailable_since: Date | null }>(
    `SELECT e.id, e.tier, b.state, b.since,
            CASE WHEN b.state = ANY($1::text[]) THEN (
              SELECT max(t.at) FROM transitions t
               WHERE t.endpoint_id = e.id AND t.to_state = ANY($1::text[]) AND NOT (t.from_state = ANY($1::text[]))
            ) END AS unavailable_since
       FROM endpoints e JOIN breaker_states b ON b.endpoint_id = e.id`,
    [UNAVAILABLE_STATES],
  );
  return result.rows.map((row) => {
    const unavailable = UNAVAILABLE_STATES.includes(row.state);
    const start = unavailable ? (row.unavailable_since ?? row.since).getTime() : null;
    return {
      id: row.id,
      tier: asTier(row.tier),
      state: row.state,
      unavailableSince: start,
      unavailableSeconds: start === null ? 0 : Math.max(0, (now - start) / 1000),
    };
  });
}

/** Availability plus the waiting and dead-lettered deliveries of every endpoint. */
export async function readEndpointFigures(db: Db, now: number): Promise<EndpointFigures[]> {
  const availability = await readAvailability(db, now);
  const queues = await db.query<{ endpoint_id: string; waiting: number; dead: number }>(
    `SELECT endpoint_id,
            count(*) FILTER (WHERE status IN ('pending', 'failed', 'in_flight'))::int AS waiting,
            count(*) FILTER (WHERE status = 'dead')::int AS dead
       FROM deliveries WHERE status IN ('pending', 'failed', 'in_flight', 'dead')
      GROUP BY endpoint_id`,
  );
  const byEndpoint = new Map(queues.rows.map((row) => [row.endpoint_id, row]));
  return availability.map((a) => ({ ...a, waiting: byEndpoint.get(a.id)?.waiting ?? 0, deadLetters: byEndpoint.get(a.id)?.dead ?? 0 }));
}

/** Budget remaining over the SLO window and burn rates over 1 h and 6 h, per endpoint. */
export async function readBudgets(db: Db, endpoints: EndpointFigures[], now: number): Promise<Map<string, BudgetFigures>> {
  const cfg = observabilityConfig();
  // NOTE: the SLO window scan reads every attempt of the last windowDays through the
  // (endpoint_id, started_at) index. At millions of attempts a day it needs a rollup table.
  const [window, hour, sixHours] = await Promise.all([
    outcomeCountsByEndpoint(db, now - cfg.sloWindowDays * 24 * HOUR_MS, now + 1),
    outcomeCountsByEndpoint(db, now - HOUR_MS, now + 1),
    outcomeCountsByEndpoint(db, now - 6 * HOUR_MS, now + 1),
  ]);
  const none: OutcomeCounts = { good: 0, bad: 0 };
  const budgets = new Map<string, BudgetFigures>();
  for (const endpoint of endpoints) {
    const objective = cfg.objectives[endpoint.tier];
    budgets.set(endpoint.id, {
      remaining: budgetRemaining(window.get(endpoint.id) ?? none, objective),
      burnRate1h: burnRate(hour.get(endpoint.id) ?? none, objective),
      burnRate6h: burnRate(sixHours.get(endpoint.id) ?? none, objective),
    });
  }
  return budgets;
}

export async function readOpenAlerts(db: Db): Promise<SharedState['openAlerts']> {
  const result = await db.query<{ kind: string; tier: string; count: number }>(
    'SELECT kind, tier, count(*)::int AS count FROM alerts WHERE resolved_at IS NULL GROUP BY kind, tier',
  );
  return result.rows;
}

type Cached = { at: number; value: Promise<SharedState> };

// The budget scan is heavier than the others, so it is reused for longer.
const BUDGET_CACHE_FACTOR = 6;

/**
 * Returns the shared figures, reading Postgres at most once per `cacheMs` (budgets once per
 * six times that), with concurrent callers sharing one read.
 */
export function sharedStateReader(db: () => Db, clock: () => number, cacheMs: () => number): () => Promise<SharedState> {
  let cached: Cached | null = null;
  let budgets: { at: number; value: Map<string, BudgetFigures> } | null = null;
  return () => {
    const now = clock();
    if (cached && now - cached.at < cacheMs()) return cached.value;
    const value = (async (): Promise<SharedState> => {
      const endpoints = await readEndpointFigures(db(), now);
      if (!budgets || now - budgets.at >= cacheMs() * BUDGET_CACHE_FACTOR) {
        budgets = { at: now, value: await readBudgets(db(), endpoints, now) };
      }
      return { endpoints, budgets: budgets.value, openAlerts: await readOpenAlerts(db()) };
    })();
    cached = { at: now, value };
    // A failed read is not cached, so the next scrape tries again.
    value.catch(() => {
      if (cached?.value === value) cached = null;
    });
    return value;
  };
}
