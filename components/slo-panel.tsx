'use client';

import { useId } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import type { SloReport } from '@/lib/client/queries';

import { CHART_COLORS, ChartLegend, TOOLTIP_CURSOR } from './chart-legend';
import { EmptyState } from './empty-state';
import { formatCount, formatLocalTime, plural } from './format';
import { PLOT_MARGIN, Y_AXIS_WIDTH } from './time-axis';

const preciseFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const wholeFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Formats a ratio as a percent with up to three decimals, e.g. "99.95 %", so small error
 * ratios stay visible. From 100 % up, and from −100 % down, it rounds to whole percents.
 */
export function formatPrecisePercent(ratio: number): string {
  const percent = ratio * 100;
  return `${(Math.abs(percent) >= 100 ? wholeFormat : preciseFormat).format(percent)} %`;
}

/** Formats a burn rate as "3.25×". */
export function formatBurnRate(rate: number): string {
  return `${rate.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}×`;
}

function describeBurn(rate: number, windowDays: number): string {
  if (rate === 0) return 'no budget spent in this window';
  if (rate < 1) return `slower than sustainable; the budget would last longer than ${plural(windowDays, 'day')}`;
  const days = windowDays / rate;
  const lasts = days >= 1 ? plural(Math.round(days), 'day') : plural(Math.max(1, Math.round(days * 24)), 'hour');
  return `at this rate a full budget is gone in about ${lasts}`;
}

type Row = { testId: string; label: string; value: number; text: string; meaning: string };

/**
 * Error budget of the endpoint's tier objective over the SLO window, and how fast it burns
 * over the last 1 and 6 hours (burn rate = error ratio ÷ (1 − objective), so 1× spends the
 * budget exactly over the window). Every figure is written out, with the API's raw value.
 */
export function SloPanel({ slo }: { slo: SloReport }) {
  const counted = slo.good + slo.bad;
  const allowedFailures = (1 - slo.objective) * counted;
  const meterId = useId();
  const remainingShare = Math.max(0, Math.min(1, slo.budgetRemaining));
  const rows: Row[] = [
    {
      testId: 'slo-objective',
      label: 'Objective',
      value: slo.objective,
      text: formatPrecisePercent(slo.objective),
      meaning: `of counted attempts succeed over ${plural(slo.windowDays, 'day')} (${slo.tier} tier)`,
    },
    { testId: 'slo-good', label: 'Successful attempts', value: slo.good, text: formatCount(slo.good), meaning: 'over the SLO window' },
    {
      testId: 'slo-bad',
      label: 'Failed attempts',
      value: slo.bad,
      text: formatCount(slo.bad),
      meaning: `5xx, 408, timeouts and network errors; ${allowedFailures.toLocaleString('en-US', { maximumFractionDigits: 1 })} allowed at this volume`,
    },
    { testId: 'slo-error-ratio', label: 'Error ratio', value: slo.errorRatio, text: formatPrecisePercent(slo.errorRatio), meaning: 'failed ÷ counted attempts' },
    {
      testId: 'slo-budget-remaining',
      label: 'Budget remaining',
      value: slo.budgetRemaining,
      text: formatPrecisePercent(slo.budgetRemaining),
      meaning: slo.budgetRemaining < 0 ? 'overspent: more failures than the objective allows' : 'share of the error budget not yet spent',
    },
    { testId: 'slo-burn-1h', label: 'Burn rate, last 1 hour', value: slo.burnRate1h, text: formatBurnRate(slo.burnRate1h), meaning: describeBurn(slo.burnRate1h, slo.windowDays) },
    { testId: 'slo-burn-6h', label: 'Burn rate, last 6 hours', value: slo.burnRate6h, text: formatBurnRate(slo.burnRate6h), meaning: describeBurn(slo.burnRate6h, slo.windowDays) },
  ];
  const burns = [
    { window: 'Last 1 hour', rate: slo.burnRate1h },
    { window: 'Last 6 hours', rate: slo.burnRate6h },
  ];

  return (
    <div className="slo" data-testid="slo-panel">
      <p className="slo-headline">
        {slo.budgetRemaining >= 0 ? (
          <>
            <strong>{formatPrecisePercent(slo.budgetRemaining)}</strong> of the error budget remains
          </>
        ) : (
          <>
            The error budget is overspent: failures used <strong>{formatPrecisePercent(1 - slo.budgetRemaining)}</strong> of it
          </>
        )}
        . Objective {formatPrecisePercent(slo.objective)} over {plural(slo.windowDays, 'day')}; burning at{' '}
        {formatBurnRate(slo.burnRate1h)} over the last hour and {formatBurnRate(slo.burnRate6h)} over the last 6 hours.
      </p>
      <div className="slo-meter">
        <label htmlFor={meterId} className="small muted">
          Budget remaining (0 to 100 %)
        </label>
        <meter id={meterId} min={0} max={1} low={0.25} optimum={1} value={remainingShare}>
          {formatPrecisePercent(slo.budgetRemaining)}
        </meter>
      </div>

      {counted === 0 ? (
        <EmptyState title="No counted attempts in the SLO window.">
          The budget is untouched. Burn rates appear once attempts at the endpoint&apos;s own URL succeed or fail.
        </EmptyState>
      ) : (
        <figure className="chart">
          <figcaption>Burn rate by window</figcaption>
          <ChartLegend
            items={[
              { label: 'Below 1× (budget lasts the window)', color: CHART_COLORS.below },
              { label: '1× or more (budget runs out early)', color: CHART_COLORS.over },
              { label: '1× line: spends the budget exactly over the window', color: CHART_COLORS.reference, kind: 'dashed' },
            ]}
          />
          <div className="chart-area small-chart">
            <ResponsiveContainer width="100%" height={170}>
              <BarChart data={burns} margin={PLOT_MARGIN} maxBarSize={64}>
                <CartesianGrid strokeDasharray="2 4" vertical={false} />
                <XAxis dataKey="window" label={{ value: 'Window ending now', position: 'insideBottom', offset: -18 }} />
                <YAxis
                  domain={[0, (max: number) => Math.max(2, Math.ceil(max))]}
                  tickFormatter={(tick: number) => `${tick}×`}
                  width={Y_AXIS_WIDTH}
                  label={{ value: 'Burn rate (×)', angle: -90, position: 'insideLeft', offset: -4, style: { textAnchor: 'middle' } }}
                />
                <Tooltip cursor={TOOLTIP_CURSOR} formatter={(rate) => [typeof rate === 'number' ? formatBurnRate(rate) : String(rate), 'Burn rate']} />
                <ReferenceLine y={1} stroke={CHART_COLORS.reference} strokeDasharray="6 4" ifOverflow="extendDomain" />
                <Bar dataKey="rate" name="Burn rate" isAnimationActive={false}>
                  {burns.map((burn) => (
                    <Cell key={burn.window} fill={burn.rate >= 1 ? CHART_COLORS.over : CHART_COLORS.below} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
        </figure>
      )}

      <div className="table-scroll">
        <table className="data-table compact" data-testid="slo-table">
          <caption>Figures as the SLO route returned them at {formatLocalTime(slo.at)}.</caption>
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col" className="num">Value</th>
              <th scope="col">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.testId}>
                <th scope="row">{row.label}</th>
                <td className="num" data-testid={row.testId} data-value={row.value}>
                  {row.text}
                </td>
                <td className="small">{row.meaning}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="small muted">
        Only attempts at the endpoint&apos;s own URL count; throttled replies and permanent 4xx rejections spend no budget. The
        budget-burn alert fires when the burn rate over both the last hour and the last 5 minutes reaches its threshold (14.4× unless
        <code> SWITCHYARD_ALERT_BURN_RATE</code> sets another).
      </p>
    </div>
  );
}
