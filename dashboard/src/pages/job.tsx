/**
 * @module dashboard/pages/job
 * One job: state, payload, result, error with its stack, attempts, progress, log lines, the
 * "why isn't it running?" answer and, for a write token, cancel / stop / start. Every job event
 * about it re-reads the page's data (the feed carries no payloads or logs).
 */
import { useState } from "react";
import type { Job } from "../api/client.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { LogLines } from "../components/log-lines.js";
import { Time } from "../components/time.js";
import { useCanWrite, useLive, useServices } from "../context.js";
import { actionsFor, getJob, jobAction, jobAttempts, jobWhy, type JobAction } from "../jobs-api.js";
import { useFetch } from "../use-fetch.js";
import { StateBadge } from "./jobs.js";

const json = (v: unknown) => (v === undefined ? "—" : JSON.stringify(v, null, 2));

function Actions({ job, onDone }: { job: Job; onDone: () => void }) {
  const { api } = useServices();
  const canWrite = useCanWrite();
  const [busy, setBusy] = useState<JobAction | null>(null);
  const [error, setError] = useState<Error | null>(null);
  if (!canWrite) return null;
  const run = (a: JobAction) => {
    setBusy(a);
    setError(null);
    jobAction(api, job.id, a).then(
      () => (setBusy(null), onDone()),
      (e: unknown) => (setBusy(null), setError(e instanceof Error ? e : new Error(String(e)))),
    );
  };
  return (
    <div className="actions">
      {actionsFor(job).map((a) => (
        <button
          key={a}
          type="button"
          data-testid={`action-${a}`}
          disabled={busy !== null}
          onClick={() => run(a)}
        >
          {a}
        </button>
      ))}
      {error ? <ErrorState error={error} title="The action was refused" /> : null}
    </div>
  );
}

function Progress({ job }: { job: Job }) {
  const p = job.progress;
  if (!p) return <p className="muted">No progress reported.</p>;
  return (
    <div className="progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(p.percent)}
      >
        <span style={{ width: `${Math.min(100, Math.max(0, p.percent))}%` }} />
      </div>
      <span>
        {Math.round(p.percent)}% {p.message ?? ""} <Time at={p.at} />
      </span>
    </div>
  );
}

function Details({ job }: { job: Job }) {
  return (
    <dl className="facts">
      <dt>Function</dt>
      <dd>{job.fn}</dd>
      <dt>Attempt</dt>
      <dd>
        {job.attempt} of {job.maxAttempts}
      </dd>
      <dt>Run at</dt>
      <dd>
        <Time at={job.runAt} />
      </dd>
      <dt>Created</dt>
      <dd>
        <Time at={job.createdAt} />
      </dd>
      <dt>Started</dt>
      <dd>
        <Time at={job.startedAt} />
      </dd>
      <dt>Finished</dt>
      <dd>
        <Time at={job.finishedAt} />
      </dd>
    </dl>
  );
}

function JobError({ job }: { job: Job }) {
  if (!job.error) return null;
  return (
    <section className="error-box" data-testid="job-error">
      <h2>Error</h2>
      <p>
        <strong>{job.error.name}</strong>
        {job.error.code ? <code> {job.error.code}</code> : null}: {job.error.message}
      </p>
      {job.error.stack ? <pre className="code">{job.error.stack}</pre> : null}
    </section>
  );
}

function Why({ id, version }: { id: string; version: string }) {
  const { api } = useServices();
  const why = useFetch(`${id}|${version}`, () => jobWhy(api, id));
  if (why.error) return <ErrorState error={why.error} title="The why answer could not be loaded" />;
  if (!why.data) return <Loading />;
  return (
    <section>
      <h2>Why? (it is {why.data.state})</h2>
      <p>{why.data.summary}</p>
      <ul>
        {why.data.reasons.map((r) => (
          <li key={r.code}>
            <code>{r.code}</code> {r.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Attempts({ id, version }: { id: string; version: string }) {
  const { api } = useServices();
  const a = useFetch(`${id}|${version}`, () => jobAttempts(api, id));
  if (a.error) return <ErrorState error={a.error} title="The attempts could not be loaded" />;
  if (!a.data) return <Loading />;
  if (a.data.items.length === 0)
    return <EmptyState>No attempt yet: the job has not started.</EmptyState>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Outcome</th>
          <th scope="col">Worker</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {a.data.items.map((t) => (
          <tr key={t.attempt}>
            <td className="num">{t.attempt}</td>
            <td>{t.outcome}</td>
            <td>{t.workerId ?? "—"}</td>
            <td>
              <Time at={t.startedAt} />
            </td>
            <td className="num">{t.durationMs === null ? "—" : `${t.durationMs} ms`}</td>
            <td>{t.error ? `${t.error.name}: ${t.error.message}` : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The job page. */
export function JobPage({ id }: { id: string }) {
  const { api } = useServices();
  const job = useFetch(id, () => getJob(api, id));
  useLive((s) => {
    if (s.type === "reset") job.reload();
    // New log lines are the log panel's: the job itself did not change.
    else if (s.event.kind === "job" && s.event.subject === id && s.event.name !== "job:log") {
      job.reload();
    }
  });
  if (job.error) return <ErrorState error={job.error} title={`Job ${id} could not be loaded`} />;
  if (!job.data) return <Loading />;
  const j = job.data;
  const version = `${j.updatedAt}|${j.state}|${j.attempt}`;
  return (
    <article aria-labelledby="job-title">
      <h1 id="job-title">
        Job {j.id} <StateBadge state={j.state} testId="job-state" />
      </h1>
      <Actions job={j} onDone={job.reload} />
      <Details job={j} />
      <Progress job={j} />
      <JobError job={j} />
      <Why id={id} version={version} />
      <h2>Payload</h2>
      <pre className="code">{json(j.payload)}</pre>
      <h2>Result</h2>
      <pre className="code">{json(j.result)}</pre>
      <h2>Attempts</h2>
      <Attempts id={id} version={version} />
      <h2>Logs</h2>
      <LogLines jobId={id} />
    </article>
  );
}
