/**
 * @module dashboard/components/task-panel
 * The selected task of a run: its try (attempt, state, started / finished, duration, error,
 * job), its note, the write actions, the "why" answer, and a slot for its log lines.
 */
import type { ReactNode } from "react";
import { StateBadge } from "../pages/jobs.js";
import { tryDuration, type RunDetail, type TaskInstance } from "../workflows-api.js";
import { Link } from "./link.js";
import { TaskActions } from "./task-actions.js";
import { TaskWhy } from "./task-why.js";
import { Time } from "./time.js";

/** The task's tries. Each try is a job; the API keeps the current one's (earlier: its job). */
function Tries({ t }: { t: TaskInstance }) {
  if (t.tryNumber === 0)
    return <p data-testid="task-tries">Not tried yet ({t.maxTries} tries allowed).</p>;
  return (
    <table className="table" data-testid="task-tries" aria-label="Tries">
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
        <tr data-testid="task-try" data-try={t.tryNumber}>
          <td className="num">
            {t.tryNumber} of {t.maxTries}
          </td>
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
          <td>{t.error ? `${t.error.name}: ${t.error.message}` : ""}</td>
          <td>
            {t.jobId ? <Link to={`/jobs/${encodeURIComponent(t.jobId)}`}>{t.jobId}</Link> : "—"}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** The panel's props; `logs` is the task's log lines panel (given by the run page). */
export interface TaskPanelProps {
  readonly run: RunDetail;
  readonly task: TaskInstance;
  /** Re-read the run (after an action). */
  readonly onDone: () => void;
  /** Slot for the selected task's log lines (its try's job), shown under the tries. */
  readonly logs?: ReactNode;
}

/** The selected task's panel. */
export function TaskPanel({ run, task, onDone, logs }: TaskPanelProps) {
  const version = `${run.updatedAt}|${task.state}|${task.tryNumber}`;
  return (
    <section data-testid="task-panel" data-task-id={task.taskId} aria-labelledby="task-title">
      <h2 id="task-title">
        Task {task.taskId} <StateBadge state={task.state} testId="task-state" />
      </h2>
      <h3>Tries</h3>
      <Tries t={task} />
      <p data-testid="task-note">{task.note ? `Note: ${task.note}` : "No note."}</p>
      {logs ?? null}
      <TaskActions run={run} task={task} onDone={onDone} />
      <TaskWhy runId={run.id} task={task.taskId} version={version} />
    </section>
  );
}
