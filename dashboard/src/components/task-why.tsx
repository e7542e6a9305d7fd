/**
 * @module dashboard/components/task-why
 * The "why" answer of a run's task (GET /runs/{id}/tasks/{task}/why), re-read when `version`
 * changes (the task's state or try).
 */
import { useServices } from "../context.js";
import { useFetch } from "../use-fetch.js";
import { taskWhy } from "../workflows-api.js";
import { ErrorState, Loading } from "./states.js";

/** Why the task is (not) running. */
export function TaskWhy({
  runId,
  task,
  version,
}: {
  runId: string;
  task: string;
  version: string;
}) {
  const { api } = useServices();
  const why = useFetch(`${runId}|${task}|${version}`, () => taskWhy(api, runId, task));
  if (why.error) return <ErrorState error={why.error} title="The why answer could not be loaded" />;
  if (!why.data) return <Loading />;
  const summary = why.data.summary;
  const lines = why.data.lines.filter((l) => l !== summary);
  return (
    <section data-testid="task-why" aria-live="polite">
      <h3>
        Why? {task} is {why.data.state}
      </h3>
      <p>{summary}</p>
      {lines.length > 0 ? (
        <ul>
          {lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
