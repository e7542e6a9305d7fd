/**
 * @module dashboard/pages/workflows
 * The workflows list: name, schedule, paused, and the states of the latest runs (each a link
 * to its run), refreshed live from the workflow's run events.
 */
import { Link } from "../components/link.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { Time } from "../components/time.js";
import { useLive, useServices } from "../context.js";
import { useFetch } from "../use-fetch.js";
import { listWorkflows, readDefinition, recentRuns, type Workflow } from "../workflows-api.js";
import { StateBadge } from "./jobs.js";

/** How many latest runs a row shows. */
const LATEST = 5;

function LatestRuns({ name }: { name: string }) {
  const { api } = useServices();
  const runs = useFetch(name, () => recentRuns(api, name, LATEST));
  useLive((s) => {
    if (s.type === "reset" || (s.event.kind === "run" && s.event.workflow === name)) runs.reload();
  });
  if (runs.error) return <span className="muted">runs could not be loaded</span>;
  if (!runs.data) return <span className="muted">…</span>;
  if (runs.data.length === 0) return <span className="muted">no runs yet</span>;
  return (
    <span className="run-states">
      {runs.data.map((r) => (
        <Link key={r.id} to={`/runs/${encodeURIComponent(r.id)}`} title={r.logicalDate}>
          <StateBadge state={r.state} />
        </Link>
      ))}
    </span>
  );
}

function WorkflowRow({ workflow }: { workflow: Workflow }) {
  const def = readDefinition(workflow.definition);
  return (
    <tr data-testid="workflow-row" data-workflow={workflow.name}>
      <td>
        <Link to={`/workflows/${encodeURIComponent(workflow.name)}`}>{workflow.name}</Link>
      </td>
      <td>{def.schedule ?? <span className="muted">none (triggered only)</span>}</td>
      <td>
        {workflow.paused ? (
          <span className="badge state-stopped" title={workflow.pauseNote ?? undefined}>
            paused
          </span>
        ) : (
          "no"
        )}
      </td>
      <td>
        <Time at={workflow.nextRunAfter} />
      </td>
      <td>
        <LatestRuns name={workflow.name} />
      </td>
    </tr>
  );
}

/** The workflows page. */
export function WorkflowsPage() {
  const { api } = useServices();
  const list = useFetch("workflows", () => listWorkflows(api));
  useLive((s) => {
    if (s.type === "reset") list.reload();
  });
  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      {list.error ? (
        <ErrorState error={list.error} title="The workflows could not be loaded" />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <EmptyState>
          No workflows yet. Declare one under `workflows:` in kairos.yaml and run `kairos apply`, or
          call kairos.workflow(name, definition) in code.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Workflow</th>
              <th scope="col">Schedule</th>
              <th scope="col">Paused</th>
              <th scope="col">Next run</th>
              <th scope="col">Latest runs (newest first)</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((w) => (
              <WorkflowRow key={w.name} workflow={w} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
