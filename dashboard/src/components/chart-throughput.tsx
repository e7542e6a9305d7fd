/**
 * @module dashboard/components/chart-throughput
 * The overview's charts over the stats window: jobs finished per bucket (succeeded, failed,
 * cancelled stacked; timed out counts as failed) and jobs enqueued per bucket.
 */
import type { Stats, StatsBucket } from "../stats-api.js";
import { BarChart, ChartLegend, type BarSeries } from "./chart-bars.js";

const FINISHED: readonly BarSeries<StatsBucket>[] = [
  { label: "succeeded", color: "var(--s-succeeded)", value: (b) => b.succeeded },
  { label: "failed", color: "var(--s-failed)", value: (b) => b.failed },
  { label: "cancelled", color: "var(--s-cancelled)", value: (b) => b.cancelled },
];
const ENQUEUED: readonly BarSeries<StatsBucket>[] = [
  { label: "enqueued", color: "var(--s-queued)", value: (b) => b.enqueued },
];

const sum = (buckets: readonly StatsBucket[], k: keyof Omit<StatsBucket, "at">) =>
  buckets.reduce((n, b) => n + b[k], 0);

/** A window length in words ("60 min", "24 h"). */
function span(ms: number): string {
  return ms % 3_600_000 === 0 && ms >= 7_200_000 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`;
}

/** Throughput and enqueued charts with their totals. */
export function ThroughputCharts({ stats }: { stats: Stats }) {
  const b = stats.buckets;
  const last = span(stats.windowMs);
  const per = span(stats.bucketMs);
  const [ok, failed, cancelled, enqueued] = [
    sum(b, "succeeded"),
    sum(b, "failed"),
    sum(b, "cancelled"),
    sum(b, "enqueued"),
  ];
  return (
    <div className="charts">
      <figure>
        <figcaption>
          Finished per {per}, last {last}:{" "}
          <span data-testid="throughput-total">{ok + failed + cancelled}</span>
        </figcaption>
        <BarChart
          buckets={b}
          series={FINISHED}
          testId="chart-throughput"
          label={`Jobs finished in the last ${last}: ${ok} succeeded, ${failed} failed, ${cancelled} cancelled`}
        />
        <ChartLegend items={FINISHED} />
      </figure>
      <figure>
        <figcaption>
          Enqueued per {per}, last {last}: {enqueued}
        </figcaption>
        <BarChart
          buckets={b}
          series={ENQUEUED}
          testId="chart-enqueued"
          label={`Jobs enqueued in the last ${last}: ${enqueued}`}
        />
        <ChartLegend items={ENQUEUED} />
      </figure>
    </div>
  );
}
