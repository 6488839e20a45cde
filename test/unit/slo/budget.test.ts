import { describe, expect, it } from 'vitest';

import { budgetRemaining, burnRate, errorRatio, sloReport } from '../../../lib/slo/budget';

describe('errorRatio', () => {
  it('is zero without attempts', () => {
    expect(errorRatio({ good: 0, bad: 0 })).toBe(0);
  });

  it('divides bad by all counted attempts', () => {
    expect(errorRatio({ good: 20, bad: 10 })).toBeCloseTo(1 / 3, 12);
  });
});

describe('burnRate', () => {
  it('is one when errors match the budget', () => {
    // 99 % objective allows 1 bad attempt in 100.
    expect(burnRate({ good: 99, bad: 1 }, 0.99)).toBeCloseTo(1, 12);
  });

  it('reaches 14.4 at the fast-burn ratio', () => {
    // 1.44 % errors against a 99.9 % objective: 0.0144 / 0.001.
    expect(burnRate({ good: 9856, bad: 144 }, 0.999)).toBeCloseTo(14.4, 9);
    expect(burnRate({ good: 99856, bad: 144 }, 0.99)).toBeCloseTo(0.144, 9);
  });

  it('is zero without attempts', () => {
    expect(burnRate({ good: 0, bad: 0 }, 0.999)).toBe(0);
  });
});

describe('budgetRemaining', () => {
  it('is one with no errors', () => {
    expect(budgetRemaining({ good: 500, bad: 0 }, 0.99)).toBe(1);
  });

  it('is half after half the budget', () => {
    expect(budgetRemaining({ good: 995, bad: 5 }, 0.99)).toBeCloseTo(0.5, 12);
  });

  it('is zero when spent exactly', () => {
    expect(budgetRemaining({ good: 999, bad: 1 }, 0.999)).toBeCloseTo(0, 12);
  });

  it('goes negative when overspent', () => {
    // 10 % errors against a 1 % budget: ten budgets spent, nine too many.
    expect(budgetRemaining({ good: 90, bad: 10 }, 0.99)).toBeCloseTo(-9, 9);
  });
});

describe('sloReport', () => {
  it('combines the window and burn windows', () => {
    const report = sloReport({
      tier: 'standard',
      objective: 0.99,
      windowDays: 30,
      window: { good: 20, bad: 10 },
      lastHour: { good: 2, bad: 2 },
      lastSixHours: { good: 20, bad: 10 },
    });
    expect(report.good).toBe(20);
    expect(report.bad).toBe(10);
    expect(report.objective).toBe(0.99);
    expect(report.windowDays).toBe(30);
    expect(report.errorRatio).toBeCloseTo(1 / 3, 12);
    expect(report.budgetRemaining).toBeCloseTo(1 - 100 / 3, 9);
    expect(report.burnRate1h).toBeCloseTo(50, 9);
    expect(report.burnRate6h).toBeCloseTo(100 / 3, 9);
  });
});
