/**
 * @module dashboard/pages/overview
 * The overview: throughput over the last hour (small charts), live jobs by state, queue depth
 * and oldest waiting per function (all from GET /stats), and the recent failures; re-read
 * after job events (at most once a second, no polling).
 */
import { useEffect, useMemo } from "react";
import { ThroughputCharts } from "../components/chart-throughput.js";
import { LiveCounts, QueueTable } from "../components/chart-live.js";
import { ClusterPanel } from "../components/cluster-panel.js";
import { Link } from "../components/link.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { Time } from "../components/time.js";
import { useLive, useServices } from "../context.js";
import { listJobs } from "../jobs-api.js";
import { readStats } from "../stats-api.js";
import { throttle } from "../throttle.js";
import { useFetch } from "../use-fetch.js";

/** The overview page. */
export function OverviewPage() {
  const { api } = useServices();
  const stats = useFetch("stats", () => readStats(api));
  const failures = useFetch("failures", () => listJobs(api, { state: "failed", limit: 10 }));
  const reread = useMemo(
    () => throttle(() => (stats.reload(), failures.reload()), 1000),
    [stats.reload, failures.reload],
  );
  useEffect(() => reread.cancel, [reread]);
  useLive((s) => {
    if (s.type === "reset" || s.event.kind === "job") reread();
  });
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      {stats.error ? (
        <ErrorState error={stats.error} title="The job statistics could not be loaded" />
      ) : !stats.data ? (
        <Loading />
      ) : (
        <>
          <h2>Throughput</h2>
          <ThroughputCharts stats={stats.data} />
          <h2>Live jobs</h2>
          <LiveCounts stats={stats.data} />
          <h2>Queues</h2>
          <QueueTable stats={stats.data} />
        </>
      )}
      <ClusterPanel />
      <h2>Recent failures</h2>
      {failures.error ? (
        <ErrorState error={failures.error} title="The failures could not be loaded" />
      ) : !failures.data ? (
        <Loading />
      ) : failures.data.items.length === 0 ? (
        <EmptyState>No failed jobs. Failures show up here as they happen.</EmptyState>
      ) : (
        <ul className="failures">
          {failures.data.items.map((j) => (
            <li key={j.id}>
              <Link to={`/jobs/${encodeURIComponent(j.id)}`}>
                {j.fn} #{j.id}
              </Link>{" "}
              <span className="muted">{j.error ? `${j.error.name}: ${j.error.message}` : ""}</span>{" "}
              <Time at={j.finishedAt ?? j.updatedAt} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
