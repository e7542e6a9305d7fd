/**
 * @module dashboard/components/task-tries
 * The tries of a run's task (GET /runs/{id}/tasks/{task}/tries), oldest first: each try is its
 * own job, linked, with its state, times, duration and error. Re-read when `version` changes
 * (the run was re-read on its events: the task's state or try moved).
 */
import { StateBadge } from "../pages/jobs.js";
import { useServices } from "../context.js";
import { useFetch } from "../use-fetch.js";
import { taskTries, tryDuration, type TaskInstance, type TaskTry } from "../workflows-api.js";
import { Link } from "./link.js";
import { ErrorState, Loading } from "./states.js";
import { Time } from "./time.js";

/** One try's row. */
function TryRow({ t }: { t: TaskTry }) {
  return (
    <tr data-testid="task-try" data-try={t.tryNumber}>
      <td className="num">{t.tryNumber}</td>
      <td>
        <StateBadge state={t.state} />
      </td>
      <td>
        <Time at={t.startedAt} />
      </td>
      <td>
        <Time at={t.finishedAt} />
      </td>
      <td className="num">{tryDuration(t) ?? "—"}</td>
      <td>{t.error ?? ""}</td>
      <td>
        <Link to={`/jobs/${encodeURIComponent(t.jobId)}`}>{t.jobId}</Link>
      </td>
    </tr>
  );
}

/** Every try of the task, oldest first. */
export function TaskTries({
  runId,
  task,
  version,
}: {
  runId: string;
  task: TaskInstance;
  version: string;
}) {
  const { api } = useServices();
  const tries = useFetch(`${runId}|${task.taskId}|${version}`, () =>
    taskTries(api, runId, task.taskId),
  );
  if (task.tryNumber === 0)
    return <p data-testid="task-tries">Not tried yet ({task.maxTries} tries allowed).</p>;
  if (tries.error) return <ErrorState error={tries.error} title="The tries could not be loaded" />;
  if (!tries.data) return <Loading />;
  return (
    <table className="table" data-testid="task-tries" aria-label="Tries">
      <caption>
        {task.tryNumber} of {task.maxTries} tries used, oldest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Try</th>
          <th scope="col">State</th>
          <th scope="col">Started</th>
          <th scope="col">Finished</th>
          <th scope="col">Duration</th>
          <th scope="col">Error</th>
          <th scope="col">Job</th>
        </tr>
      </thead>
      <tbody>
        {tries.data.map((t) => (
          <TryRow key={t.jobId} t={t} />
        ))}
      </tbody>
    </table>
  );
}
