/** Colours of the console's charts. Each one is also named in a legend, never the only cue. */
export const CHART_COLORS = {
  below: '#3b6fb6',
  over: '#d92d20',
  threshold: '#b42318',
  success: '#3b6fb6',
  failure: '#d92d20',
  other: '#8a929c',
  reference: '#1b2430',
} as const;

/**
 * Hover highlight of a bar chart: a dashed outline, so that it cannot be taken for a bar (the
 * default filled grey band can).
 */
export const TOOLTIP_CURSOR = { fill: 'none', stroke: CHART_COLORS.reference, strokeDasharray: '3 3' } as const;

export type LegendItem = {
  label: string;
  color: string;
  /** `bar`: a filled square. `dashed`: a dashed line, as drawn for thresholds. */
  kind?: 'bar' | 'dashed';
};

/** Legend written in HTML above a chart, so it wraps on narrow screens and reads as text. */
export function ChartLegend({ items }: { items: LegendItem[] }) {
  return (
    <ul className="chart-legend small">
      {items.map((item) => (
        <li key={item.label}>
          <span
            className={item.kind === 'dashed' ? 'legend-swatch legend-dashed' : 'legend-swatch'}
            style={item.kind === 'dashed' ? { borderColor: item.color } : { background: item.color }}
            aria-hidden="true"
          />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
