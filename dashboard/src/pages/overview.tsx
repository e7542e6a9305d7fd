/**
 * @module dashboard/pages/overview
 * The overview: jobs by state (counted from one bounded page per state: the API has no count
 * route, so a full page shows "100+") and the recent failures, re-read after job events (at
 * most once a second).
 */
import { useEffect, useMemo } from "react";
import { ClusterPanel } from "../components/cluster-panel.js";
import { Link } from "../components/link.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { Time } from "../components/time.js";
import { useLive, useServices } from "../context.js";
import { JOB_STATES, listJobs } from "../jobs-api.js";
import { throttle } from "../throttle.js";
import { useFetch } from "../use-fetch.js";
import { StateBadge } from "./jobs.js";

const COUNT_CAP = 100;

/** The overview page. */
export function OverviewPage() {
  const { api } = useServices();
  const counts = useFetch("counts", () =>
    Promise.all(
      JOB_STATES.map(async (state) => {
        const page = await listJobs(api, { state, limit: COUNT_CAP });
        return { state, count: page.items.length, more: page.nextCursor !== null };
      }),
    ),
  );
  const failures = useFetch("failures", () => listJobs(api, { state: "failed", limit: 10 }));
  const reread = useMemo(
    () => throttle(() => (counts.reload(), failures.reload()), 1000),
    [counts.reload, failures.reload],
  );
  useEffect(() => reread.cancel, [reread]);
  useLive((s) => {
    if (s.type === "reset" || s.event.kind === "job") reread();
  });
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <h2>Jobs by state</h2>
      {counts.error ? (
        <ErrorState error={counts.error} title="The job counts could not be loaded" />
      ) : !counts.data ? (
        <Loading />
      ) : (
        <ul className="counts">
          {counts.data.map((c) => (
            <li key={c.state}>
              <Link to={`/jobs?state=${c.state}`} data-testid={`count-${c.state}`}>
                <span className="count">{c.more ? `${COUNT_CAP}+` : c.count}</span>
                <StateBadge state={c.state} />
              </Link>
            </li>
          ))}
        </ul>
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
