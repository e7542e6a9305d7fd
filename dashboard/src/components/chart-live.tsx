/**
 * @module dashboard/components/chart-live
 * The overview's live sections from GET /stats: jobs by live state (summed over functions),
 * and per function the queue depth and how long its oldest due job has waited.
 */
import type { Stats } from "../stats-api.js";
import { StateBadge } from "../pages/jobs.js";
import { EmptyState } from "./states.js";
import { Link } from "./link.js";
import { Time } from "./time.js";

const LIVE_STATES = ["scheduled", "queued", "running", "retrying"] as const;

/** Live jobs per state, each a link to the jobs list filtered by it. */
export function LiveCounts({ stats }: { stats: Stats }) {
  const count = (state: string) =>
    stats.live.jobs.filter((j) => j.state === state).reduce((n, j) => n + j.count, 0);
  return (
    <ul className="counts">
      {LIVE_STATES.map((state) => (
        <li key={state}>
          <Link to={`/jobs?state=${state}`} data-testid={`count-${state}`}>
            <span className="count">{count(state)}</span>
            <StateBadge state={state} />
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** Queue depth and oldest waiting job per function. */
export function QueueTable({ stats }: { stats: Stats }) {
  if (stats.live.queues.length === 0) {
    return <EmptyState>No job is waiting for a worker.</EmptyState>;
  }
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Function</th>
          <th scope="col">Waiting</th>
          <th scope="col">Oldest waiting since</th>
        </tr>
      </thead>
      <tbody>
        {stats.live.queues.map((q) => (
          <tr key={q.fn} data-testid="queue-row" data-fn={q.fn}>
            <td>
              <Link to={`/jobs?fn=${encodeURIComponent(q.fn)}&state=queued`}>{q.fn}</Link>
            </td>
            <td className="num">{q.depth}</td>
            <td>
              <Time at={q.oldestRunAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
