import { describe, expect, it } from 'vitest';

import { budgetBurnDecisions, type EndpointAvailability, type OpenAlertRef, sustainedOpenDecisions } from '../../../lib/alerts/rules';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const LIMITS = { critical: 300_000, standard: 900_000 };

function endpoint(id: string, tier: 'critical' | 'standard', state: string, unavailableForMs: number | null): EndpointAvailability {
  return { id, tier, state, unavailableSince: unavailableForMs === null ? null : NOW - unavailableForMs };
}

describe('sustainedOpenDecisions', () => {
  it('raises past the tier limit', () => {
    const decisions = sustainedOpenDecisions(
      [
        endpoint('ep_critical', 'critical', 'open', 301_000),
        endpoint('ep_standard_short', 'standard', 'half_open', 301_000),
        endpoint('ep_standard_long', 'standard', 'forced_open', 901_000),
        endpoint('ep_closed', 'critical', 'closed', null),
      ],
      [],
      LIMITS,
      NOW,
    );
    expect(decisions.raise.map((r) => r.endpointId)).toEqual(['ep_critical', 'ep_standard_long']);
    expect(decisions.raise[0].startedAt).toBe(NOW - 301_000 + 300_000);
    expect(decisions.raise[0].details.limitSeconds).toBe(300);
    expect(decisions.raise[1].details.state).toBe('forced_open');
    expect(decisions.resolve).toEqual([]);
  });

  it('keeps one alert per episode', () => {
    const open = endpoint('ep_1', 'critical', 'open', 400_000);
    const alert: OpenAlertRef = {
      id: 'alt_1',
      endpointId: 'ep_1',
      kind: 'sustained_open',
      details: { unavailableSince: new Date(open.unavailableSince!).toISOString() },
    };
    const decisions = sustainedOpenDecisions([open], [alert], LIMITS, NOW);
    expect(decisions.raise).toEqual([]);
    expect(decisions.resolve).toEqual([]);
  });

  it('resolves once the breaker sends', () => {
    const alert: OpenAlertRef = { id: 'alt_1', endpointId: 'ep_1', kind: 'sustained_open', details: { unavailableSince: '2026-12-04T11:50:00.000Z' } };
    const decisions = sustainedOpenDecisions([endpoint('ep_1', 'critical', 'closed', null)], [alert], LIMITS, NOW);
    expect(decisions.resolve).toEqual([{ id: 'alt_1', details: { resolvedState: 'closed' } }]);
    expect(decisions.raise).toEqual([]);
  });

  it('replaces an alert of an earlier episode', () => {
    const alert: OpenAlertRef = { id: 'alt_old', endpointId: 'ep_1', kind: 'sustained_open', details: { unavailableSince: '2026-12-04T11:00:00.000Z' } };
    const decisions = sustainedOpenDecisions([endpoint('ep_1', 'critical', 'open', 600_000)], [alert], LIMITS, NOW);
    expect(decisions.resolve.map((r) => r.id)).toEqual(['alt_old']);
    expect(decisions.raise.map((r) => r.endpointId)).toEqual(['ep_1']);
  });

  it('ignores budget_burn alerts', () => {
    const burn: OpenAlertRef = { id: 'alt_b', endpointId: 'ep_1', kind: 'budget_burn', details: {} };
    const decisions = sustainedOpenDecisions([endpoint('ep_1', 'critical', 'closed', null)], [burn], LIMITS, NOW);
    expect(decisions.resolve).toEqual([]);
  });
});

describe('budgetBurnDecisions', () => {
  const base = {
    endpoints: [{ id: 'ep_1', tier: 'critical' as const }],
    objectives: { critical: 0.999, standard: 0.99 },
    threshold: 14.4,
    minAttempts: 20,
  };

  it('raises when both windows burn fast', () => {
    const decisions = budgetBurnDecisions(
      { ...base, lastHour: new Map([['ep_1', { good: 970, bad: 30 }]]), lastFiveMinutes: new Map([['ep_1', { good: 90, bad: 10 }]]) },
      [],
      NOW,
    );
    expect(decisions.raise).toHaveLength(1);
    expect(decisions.raise[0].details.burnRate1h).toBeCloseTo(30, 9);
    expect(decisions.raise[0].details.burnRate5m).toBeCloseTo(100, 9);
  });

  it('waits for the short window to confirm', () => {
    const decisions = budgetBurnDecisions(
      { ...base, lastHour: new Map([['ep_1', { good: 970, bad: 30 }]]), lastFiveMinutes: new Map([['ep_1', { good: 100, bad: 0 }]]) },
      [],
      NOW,
    );
    expect(decisions.raise).toEqual([]);
  });

  it('needs the minimum attempts', () => {
    const decisions = budgetBurnDecisions(
      { ...base, lastHour: new Map([['ep_1', { good: 0, bad: 5 }]]), lastFiveMinutes: new Map([['ep_1', { good: 0, bad: 5 }]]) },
      [],
      NOW,
    );
    expect(decisions.raise).toEqual([]);
  });

  it('resolves when the burn stops', () => {
    const alert: OpenAlertRef = { id: 'alt_b', endpointId: 'ep_1', kind: 'budget_burn', details: {} };
    const decisions = budgetBurnDecisions(
      { ...base, lastHour: new Map([['ep_1', { good: 1000, bad: 0 }]]), lastFiveMinutes: new Map() },
      [alert],
      NOW,
    );
    expect(decisions.resolve.map((r) => r.id)).toEqual(['alt_b']);
  });
});
