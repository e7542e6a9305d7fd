/**
 * @module dashboard/components/task-panel
 * The selected task of a run: its tries (task-tries: every try, each its job), its note, the
 * write actions, the "why" answer, and a slot for its log lines.
 */
import type { ReactNode } from "react";
import { StateBadge } from "../pages/jobs.js";
import type { RunDetail, TaskInstance } from "../workflows-api.js";
import { TaskActions } from "./task-actions.js";
import { TaskTries } from "./task-tries.js";
import { TaskWhy } from "./task-why.js";

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
      <TaskTries runId={run.id} task={task} version={version} />
      <p data-testid="task-note">{task.note ? `Note: ${task.note}` : "No note."}</p>
      {logs ?? null}
      <TaskActions run={run} task={task} onDone={onDone} />
      <TaskWhy runId={run.id} task={task.taskId} version={version} />
    </section>
  );
}
