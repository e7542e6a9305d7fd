/**
 * @module dashboard/pages/workflow
 * One workflow: its facts, the task graph, the grid of its recent runs by task (a cell opens
 * that run) and, for a write token, the trigger form built from the declared params and
 * pause / resume. Run events of the workflow re-read the runs.
 */
import { useState, type FormEvent } from "react";
import { DagGraph } from "../components/dag/DagGraph.js";
import { RunGrid } from "../components/dag/RunGrid.js";
import { Link } from "../components/link.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { Time } from "../components/time.js";
import { useCanWrite, useLive, useServices } from "../context.js";
import { useFetch } from "../use-fetch.js";
import {
  getRun,
  getWorkflow,
  gridRuns,
  paramFields,
  paramsFromForm,
  readDefinition,
  recentRuns,
  setPaused,
  triggerRun,
  type DefinitionView,
  type Workflow,
} from "../workflows-api.js";

const asError = (e: unknown) => (e instanceof Error ? e : new Error(String(e)));

function TriggerForm({
  name,
  def,
  onDone,
}: {
  name: string;
  def: DefinitionView;
  onDone: () => void;
}) {
  const { api, router } = useServices();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const fields = paramFields(def.params);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const read = paramsFromForm(fields, (n) => {
      const v = data.get(n);
      return typeof v === "string" ? v : null;
    });
    setError(null);
    if ("error" in read) return setProblem(read.error);
    setProblem(null);
    setBusy(true);
    triggerRun(api, name, read.params).then(
      (run) => {
        setBusy(false);
        onDone();
        router.navigate(`/runs/${encodeURIComponent(run.id)}`);
      },
      (err: unknown) => (setBusy(false), setError(asError(err))),
    );
  };
  return (
    <form className="trigger" onSubmit={submit} aria-label="Trigger a run">
      <h2>Trigger a run</h2>
      {fields.length === 0 ? <p className="muted">This workflow declares no params.</p> : null}
      {fields.map((f) => (
        <label key={f.name}>
          {f.name}{" "}
          {f.kind === "boolean" ? (
            <input type="checkbox" name={f.name} defaultChecked={f.initial === "true"} />
          ) : (
            <input
              name={f.name}
              type={f.kind === "number" ? "number" : "text"}
              step={f.kind === "number" ? "any" : undefined}
              defaultValue={f.initial}
            />
          )}
        </label>
      ))}
      <button type="submit" data-testid="action-trigger" disabled={busy}>
        Trigger
      </button>
      {problem ? <p role="alert">{problem}</p> : null}
      {error ? <ErrorState error={error} title="The run was not triggered" /> : null}
    </form>
  );
}

function PauseButton({ workflow, onDone }: { workflow: Workflow; onDone: () => void }) {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const pause = !workflow.paused;
  const click = () => {
    setBusy(true);
    setError(null);
    setPaused(api, workflow.name, pause).then(
      () => (setBusy(false), onDone()),
      (e: unknown) => (setBusy(false), setError(asError(e))),
    );
  };
  return (
    <div className="actions">
      <button
        type="button"
        data-testid={pause ? "action-pause" : "action-resume"}
        disabled={busy}
        onClick={click}
      >
        {pause ? "Pause" : "Resume"}
      </button>
      {error ? <ErrorState error={error} title="The workflow was not changed" /> : null}
    </div>
  );
}

function Runs({ name, def, version }: { name: string; def: DefinitionView; version: number }) {
  const { api, router } = useServices();
  const runs = useFetch(`${name}|${version}`, async () => {
    const recent = await recentRuns(api, name);
    return Promise.all(recent.map((r) => getRun(api, r.id)));
  });
  if (runs.error) return <ErrorState error={runs.error} title="The runs could not be loaded" />;
  if (!runs.data) return <Loading />;
  if (runs.data.length === 0)
    return (
      <EmptyState>
        No runs yet: trigger one (with a write token), `kairos workflows trigger {name}`, or wait
        for its schedule.
      </EmptyState>
    );
  return (
    <>
      <RunGrid
        runs={gridRuns(runs.data)}
        tasks={def.tasks}
        onSelect={(runId) => router.navigate(`/runs/${encodeURIComponent(runId)}`)}
      />
      <ul className="run-list">
        {runs.data.map((r) => (
          <li key={r.id}>
            <Link
              to={`/runs/${encodeURIComponent(r.id)}`}
              data-testid="run-link"
              data-run-id={r.id}
            >
              Run {r.id}
            </Link>{" "}
            {r.state} · logical date <Time at={r.logicalDate} /> · {r.runType}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The workflow page. */
export function WorkflowPage({ name }: { name: string }) {
  const { api } = useServices();
  const canWrite = useCanWrite();
  const wf = useFetch(name, () => getWorkflow(api, name));
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  useLive((s) => {
    if (s.type === "reset") return (wf.reload(), bump());
    const e = s.event;
    if (e.workflow === name && (e.kind === "run" || e.kind === "job")) bump();
  });
  if (wf.error)
    return <ErrorState error={wf.error} title={`Workflow ${name} could not be loaded`} />;
  if (!wf.data) return <Loading />;
  const w = wf.data;
  const def = readDefinition(w.definition);
  return (
    <article aria-labelledby="workflow-title">
      <h1 id="workflow-title">
        Workflow {w.name} {w.paused ? <span className="badge state-stopped">paused</span> : null}
      </h1>
      <dl className="facts">
        <dt>Schedule</dt>
        <dd>{def.schedule ?? "none (triggered or backfilled only)"}</dd>
        <dt>Source</dt>
        <dd>{w.source === "config" ? "kairos.yaml" : "API"}</dd>
        <dt>Next run</dt>
        <dd>
          <Time at={w.nextRunAfter} />
        </dd>
        {w.paused && w.pauseNote ? (
          <>
            <dt>Pause note</dt>
            <dd>{w.pauseNote}</dd>
          </>
        ) : null}
      </dl>
      {canWrite ? <PauseButton workflow={w} onDone={wf.reload} /> : null}
      <h2>Tasks</h2>
      {def.tasks.length === 0 ? (
        <EmptyState>This workflow has no tasks.</EmptyState>
      ) : (
        <DagGraph tasks={def.tasks} states={{}} legend={false} />
      )}
      {canWrite ? <TriggerForm name={w.name} def={def} onDone={bump} /> : null}
      <h2>Recent runs</h2>
      <Runs name={w.name} def={def} version={version} />
    </article>
  );
}
