// Error-budget arithmetic after the Google SRE workbook's chapter on alerting on SLOs:
// budget = 1 − objective over the SLO window, burn rate = observed error ratio ÷ (1 − objective).

/**
 * Attempt outcomes that count for availability. A success is good; a failure (5xx or 408),
 * timeout or network error is bad. Throttled replies (429, 503 with Retry-After), permanent
 * rejections (other 3xx/4xx), 410 Gone and refused targets count as neither, because the
 * receiver either replied on purpose or was never called.
 */
export const GOOD_OUTCOMES = ['success'] as const;
export const BAD_OUTCOMES = ['failure', 'timeout', 'network'] as const;

export type OutcomeCounts = { good: number; bad: number };

/** Bad ÷ (good + bad); 0 when there were no counted attempts. */
export function errorRatio(counts: OutcomeCounts): number {
  const total = counts.good + counts.bad;
  return total === 0 ? 0 : counts.bad / total;
}

/** How many times faster than sustainable the budget is spent; 1 spends it exactly over the window. */
export function burnRate(counts: OutcomeCounts, objective: number): number {
  return errorRatio(counts) / (1 - objective);
}

/**
 * Share of the error budget left: 1 with no errors, 0 when spent exactly, negative when
 * overspent (not clamped, so a chart shows how far past the budget an endpoint went).
 */
export function budgetRemaining(counts: OutcomeCounts, objective: number): number {
  return 1 - burnRate(counts, objective);
}

export type SloReport = {
  tier: string;
  objective: number;
  windowDays: number;
  good: number;
  bad: number;
  errorRatio: number;
  budgetRemaining: number;
  burnRate1h: number;
  burnRate6h: number;
};

/** Builds the report the SLO route returns from counts over the window, 1 h and 6 h. */
export function sloReport(input: {
  tier: string;
  objective: number;
  windowDays: number;
  window: OutcomeCounts;
  lastHour: OutcomeCounts;
  lastSixHours: OutcomeCounts;
}): SloReport {
  return {
    tier: input.tier,
    objective: input.objective,
    windowDays: input.windowDays,
    good: input.window.good,
    bad: input.window.bad,
    errorRatio: errorRatio(input.window),
    budgetRemaining: budgetRemaining(input.window, input.objective),
    burnRate1h: burnRate(input.lastHour, input.objective),
    burnRate6h: burnRate(input.lastSixHours, input.objective),
  };
}
