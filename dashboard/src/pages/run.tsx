/**
 * @module dashboard/pages/run
 * One workflow run: the task graph coloured by its task instances' states (re-read live on
 * every event of the run and of its tasks' jobs), the task table with tries, errors and notes,
 * the selected task's panel (components/task-panel: its try, note, "why", log lines and,
 * for a write token, mark / clear / note) and the run's own actions (components/run-actions).
 */
import { useState, type ReactNode } from "react";
import { DagGraph } from "../components/dag/DagGraph.js";
import { Link } from "../components/link.js";
import { LogLines } from "../components/log-lines.js";
import { RunActions } from "../components/run-actions.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { TaskPanel } from "../components/task-panel.js";
import { Time } from "../components/time.js";
import { useLive, useServices } from "../context.js";
import { useFetch } from "../use-fetch.js";
import { getRun, type RunDetail, type TaskInstance } from "../workflows-api.js";
import { StateBadge } from "./jobs.js";

/**
 * The selected task's log lines: those of its try's job (`task.jobId`), live; nothing for a
 * task that has no job yet.
 */
function taskLogs(_run: RunDetail, task: TaskInstance): ReactNode {
  if (task.jobId === null) return null;
  return (
    <>
      <h3>Logs</h3>
      <LogLines key={task.jobId} jobId={task.jobId} />
    </>
  );
}

function TaskRow({
  t,
  selected,
  onSelect,
}: {
  t: TaskInstance;
  selected: boolean;
  onSelect: () => void;
}) {
  return (
    <tr
      data-testid="task-row"
      data-task-id={t.taskId}
      aria-selected={selected}
      className={selected ? "selected clickable" : "clickable"}
      onClick={onSelect}
    >
      <td>
        <button type="button" className="link" onClick={onSelect} aria-pressed={selected}>
          {t.taskId}
        </button>
      </td>
      <td>
        <StateBadge state={t.state} />
      </td>
      <td className="num">
        {t.tryNumber}/{t.maxTries}
      </td>
      <td>{t.jobId ? <Link to={`/jobs/${encodeURIComponent(t.jobId)}`}>{t.jobId}</Link> : "—"}</td>
      <td>
        <Time at={t.startedAt} />
      </td>
      <td>
        <Time at={t.finishedAt} />
      </td>
      <td>{t.error ? `${t.error.name}: ${t.error.message}` : ""}</td>
      <td>{t.note ?? ""}</td>
    </tr>
  );
}

/** The first failed task, else the first task: what a viewer most likely wants to see. */
function defaultTask(run: RunDetail): string | null {
  const failed = run.tasks.find((t) => t.state === "failed" || t.state === "upstream_failed");
  return (failed ?? run.tasks[0])?.taskId ?? null;
}

/** The run page. */
export function RunPage({ id }: { id: string }) {
  const { api } = useServices();
  const run = useFetch(id, () => getRun(api, id));
  const [picked, setPicked] = useState<string | null>(null);
  useLive((s) => {
    if (s.type === "reset") return run.reload();
    const e = s.event;
    if (e.kind === "run" && e.subject === id) return run.reload();
    // A task's job (or a stop/start) of this run's workflow: re-read the task states.
    if (run.data && e.workflow === run.data.workflow && (e.kind === "job" || e.kind === "control"))
      run.reload();
  });
  if (run.error) return <ErrorState error={run.error} title={`Run ${id} could not be loaded`} />;
  if (!run.data) return <Loading />;
  const r = run.data;
  const task = picked && r.tasks.some((t) => t.taskId === picked) ? picked : defaultTask(r);
  const states = Object.fromEntries(r.tasks.map((t) => [t.taskId, t.state]));
  const selected = r.tasks.find((t) => t.taskId === task);
  return (
    <article aria-labelledby="run-title">
      <h1 id="run-title">
        Run {r.id} of <Link to={`/workflows/${encodeURIComponent(r.workflow)}`}>{r.workflow}</Link>{" "}
        <StateBadge state={r.state} testId="run-state" />
      </h1>
      <dl className="facts">
        <dt>Logical date</dt>
        <dd>
          <Time at={r.logicalDate} />
        </dd>
        <dt>Data interval</dt>
        <dd>
          {r.dataInterval.start} → {r.dataInterval.end}
        </dd>
        <dt>Type</dt>
        <dd>{r.runType}</dd>
        <dt>Params</dt>
        <dd>
          <code>{JSON.stringify(r.params)}</code>
        </dd>
        <dt>Started</dt>
        <dd>
          <Time at={r.startedAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <Time at={r.finishedAt} />
        </dd>
        {r.note ? (
          <>
            <dt>Note</dt>
            <dd>{r.note}</dd>
          </>
        ) : null}
      </dl>
      <RunActions run={r} onDone={run.reload} />
      {r.tasks.length === 0 ? (
        <EmptyState>This run has no tasks yet: they are created when it starts.</EmptyState>
      ) : (
        <>
          <DagGraph
            tasks={r.tasks.map((t) => ({ id: t.taskId, dependsOn: t.dependsOn }))}
            states={states}
            selected={task}
            onSelect={setPicked}
          />
          <h2>Tasks</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">State</th>
                <th scope="col">Try</th>
                <th scope="col">Job</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
                <th scope="col">Error</th>
                <th scope="col">Note</th>
              </tr>
            </thead>
            <tbody>
              {r.tasks.map((t) => (
                <TaskRow
                  key={t.taskId}
                  t={t}
                  selected={t.taskId === task}
                  onSelect={() => setPicked(t.taskId)}
                />
              ))}
            </tbody>
          </table>
        </>
      )}
      {selected ? (
        <TaskPanel run={r} task={selected} onDone={run.reload} logs={taskLogs(r, selected)} />
      ) : null}
    </article>
  );
}
