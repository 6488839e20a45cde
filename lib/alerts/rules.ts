// When alerts are raised and resolved: pure decisions over figures read from Postgres.
import type { Tier } from '../config/observability';
import { burnRate, type OutcomeCounts } from '../slo/budget';

export type AlertKind = 'sustained_open' | 'budget_burn';

export type OpenAlertRef = { id: string; endpointId: string; kind: AlertKind; details: Record<string, unknown> };

export type Raise = { endpointId: string; kind: AlertKind; tier: Tier; startedAt: number; details: Record<string, unknown> };

export type Decisions = { raise: Raise[]; resolve: { id: string; details: Record<string, unknown> }[] };

export type EndpointAvailability = { id: string; tier: Tier; state: string; unavailableSince: number | null };

/**
 * Raises a sustained_open alert for an endpoint unavailable longer than its tier's limit, with
 * `startedAt` at the moment it crossed the limit. Resolves an open one when the breaker sends
 * again. It also resolves an alert of an earlier episode, because the breaker closed and
 * re-opened between two evaluations; the new episode gets its own alert once it is long enough.
 */
export function sustainedOpenDecisions(
  endpoints: EndpointAvailability[],
  open: OpenAlertRef[],
  limitsMs: Record<Tier, number>,
  now: number,
): Decisions {
  const decisions: Decisions = { raise: [], resolve: [] };
  const alertByEndpoint = new Map(open.filter((a) => a.kind === 'sustained_open').map((a) => [a.endpointId, a]));
  const byId = new Map(endpoints.map((e) => [e.id, e]));

  for (const alert of alertByEndpoint.values()) {
    const endpoint = byId.get(alert.endpointId);
    if (!endpoint || endpoint.unavailableSince === null) {
      decisions.resolve.push({ id: alert.id, details: { resolvedState: endpoint?.state ?? null } });
    } else if (alert.details.unavailableSince !== new Date(endpoint.unavailableSince).toISOString()) {
      decisions.resolve.push({ id: alert.id, details: { resolvedState: endpoint.state, supersededByEpisodeFrom: new Date(endpoint.unavailableSince).toISOString() } });
      alertByEndpoint.delete(alert.endpointId);
    }
  }

  for (const endpoint of endpoints) {
    if (endpoint.unavailableSince === null || alertByEndpoint.has(endpoint.id)) continue;
    const limit = limitsMs[endpoint.tier];
    if (now - endpoint.unavailableSince < limit) continue;
    decisions.raise.push({
      endpointId: endpoint.id,
      kind: 'sustained_open',
      tier: endpoint.tier,
      startedAt: endpoint.unavailableSince + limit,
      details: {
        state: endpoint.state,
        unavailableSince: new Date(endpoint.unavailableSince).toISOString(),
        limitSeconds: limit / 1000,
      },
    });
  }
  return decisions;
}

export type BurnInput = {
  endpoints: { id: string; tier: Tier }[];
  lastHour: Map<string, OutcomeCounts>;
  lastFiveMinutes: Map<string, OutcomeCounts>;
  objectives: Record<Tier, number>;
  threshold: number;
  minAttempts: number;
};

/**
 * Applies the SRE workbook's fast-burn paging rule. A budget_burn alert is raised when the
 * burn rate over both the last hour and the last five minutes reaches `threshold` (14.4
 * spends 2 % of a 30-day budget in one hour). The hour must also contain at least
 * `minAttempts` counted attempts, so a handful of failures on a quiet endpoint does not page.
 * The alert resolves once either window drops below the threshold.
 */
export function budgetBurnDecisions(input: BurnInput, open: OpenAlertRef[], now: number): Decisions {
  const decisions: Decisions = { raise: [], resolve: [] };
  const alertByEndpoint = new Map(open.filter((a) => a.kind === 'budget_burn').map((a) => [a.endpointId, a]));
  const none: OutcomeCounts = { good: 0, bad: 0 };

  for (const endpoint of input.endpoints) {
    const hour = input.lastHour.get(endpoint.id) ?? none;
    const fiveMinutes = input.lastFiveMinutes.get(endpoint.id) ?? none;
    const objective = input.objectives[endpoint.tier];
    const rate1h = burnRate(hour, objective);
    const rate5m = burnRate(fiveMinutes, objective);
    const burning = hour.good + hour.bad >= input.minAttempts && rate1h >= input.threshold && rate5m >= input.threshold;
    const alert = alertByEndpoint.get(endpoint.id);
    const figures = { burnRate1h: rate1h, burnRate5m: rate5m, threshold: input.threshold, objective, good1h: hour.good, bad1h: hour.bad };
    if (burning && !alert) {
      decisions.raise.push({ endpointId: endpoint.id, kind: 'budget_burn', tier: endpoint.tier, startedAt: now, details: figures });
    } else if (!burning && alert) {
      decisions.resolve.push({ id: alert.id, details: { resolvedWith: figures } });
    }
  }
  // Alerts of endpoints that no longer exist are resolved too.
  const known = new Set(input.endpoints.map((e) => e.id));
  for (const alert of alertByEndpoint.values()) {
    if (!known.has(alert.endpointId)) decisions.resolve.push({ id: alert.id, details: { resolvedWith: null } });
  }
  return decisions;
}
