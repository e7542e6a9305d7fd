/**
 * @module dashboard/components/chart-bars
 * A small stacked bar chart in plain SVG: one bar per bucket, its series stacked bottom up,
 * a `<title>` per bar with the bucket's time and figures (the hover), and the whole chart an
 * image whose label says the totals. Fixed height, so a live update never moves the page.
 */
import { absoluteTime } from "../time.js";

/** One series: a field of the buckets, its label and colour (a CSS value). */
export interface BarSeries<B> {
  readonly label: string;
  readonly color: string;
  readonly value: (b: B) => number;
}

/** The chart's inputs. */
export interface BarChartProps<B extends { at: string }> {
  readonly buckets: readonly B[];
  readonly series: readonly BarSeries<B>[];
  /** The accessible summary (role="img" label). */
  readonly label: string;
  readonly testId: string;
  readonly height?: number;
}

const WIDTH = 600;

/** The stacked bar chart. */
export function BarChart<B extends { at: string }>(props: BarChartProps<B>) {
  const { buckets, series, height = 90 } = props;
  const totals = buckets.map((b) => series.reduce((n, s) => n + s.value(b), 0));
  const max = Math.max(1, ...totals);
  const step = WIDTH / Math.max(1, buckets.length);
  const barWidth = Math.max(1, step - 1);
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      preserveAspectRatio="none"
      height={height}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    >
      <line x1={0} x2={WIDTH} y1={height - 0.5} y2={height - 0.5} className="chart-axis" />
      {buckets.map((b, i) => {
        let y = height;
        const figures = series.map((s) => `${s.label} ${s.value(b)}`).join(", ");
        return (
          <g key={b.at} data-testid="chart-bar" data-total={totals[i]}>
            <title>{`${absoluteTime(Date.parse(b.at))}: ${figures}`}</title>
            <rect x={i * step} y={0} width={barWidth} height={height} fill="transparent" />
            {series.map((s) => {
              const h = (s.value(b) / max) * (height - 4);
              y -= h;
              return h > 0 ? (
                <rect key={s.label} x={i * step} y={y} width={barWidth} height={h} fill={s.color} />
              ) : null;
            })}
          </g>
        );
      })}
    </svg>
  );
}

/** A legend for `series`. */
export function ChartLegend({ items }: { items: readonly { label: string; color: string }[] }) {
  return (
    <ul className="chart-legend">
      {items.map((s) => (
        <li key={s.label}>
          <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}
