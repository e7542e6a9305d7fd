/**
 * @module dashboard/pages/jobs
 * The jobs list: filtered by state and function on the server, paged by the API's cursor (one
 * page at a time, never the whole table), rows updated live from job events.
 */
import { useState, type FormEvent, type MouseEvent } from "react";
import type { Job, JobPage } from "../api/client.js";
import { Link } from "../components/link.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { Time } from "../components/time.js";
import { useLive, useServices } from "../context.js";
import { getJob, JOB_STATES, listJobs } from "../jobs-api.js";
import { newJobOf } from "../jobs-live.js";
import { SearchBox } from "./jobs-search.js";
import { useFetch } from "../use-fetch.js";

/** A job's state as a coloured badge. */
export function StateBadge({ state, testId }: { state: string; testId?: string }) {
  return (
    <span className={`badge state-${state}`} data-testid={testId}>
      {state}
    </span>
  );
}

function Filters({ state, fn, text }: { state: string; fn: string; text: string }) {
  const { router } = useServices();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const q = new URLSearchParams(text ? { q: text } : {});
    for (const k of ["state", "fn"]) {
      const v = data.get(k);
      if (typeof v === "string" && v.trim()) q.set(k, v.trim());
    }
    router.navigate({ name: "jobs", query: q });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter jobs" key={`${state}|${fn}`}>
      <label>
        State{" "}
        <select name="state" defaultValue={state}>
          <option value="">any</option>
          {JOB_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Function <input name="fn" defaultValue={fn} placeholder="any" />
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

function JobRow({ job }: { job: Job }) {
  const { router } = useServices();
  const href = `/jobs/${encodeURIComponent(job.id)}`;
  // The whole row opens the job (the id stays a real link for the keyboard and new tabs).
  const open = (e: MouseEvent<HTMLTableRowElement>) => {
    if ((e.target as HTMLElement).closest("a, button, input, select")) return;
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    router.navigate(href);
  };
  return (
    <tr data-testid="job-row" data-job-id={job.id} className="clickable" onClick={open}>
      <td>
        <Link to={href}>{job.id}</Link>
      </td>
      <td>{job.fn}</td>
      <td>
        <StateBadge state={job.state} />
      </td>
      <td className="num">
        {job.attempt}/{job.maxAttempts}
      </td>
      <td className="num">{job.progress ? `${Math.round(job.progress.percent)}%` : ""}</td>
      <td>
        <Time at={job.createdAt} />
      </td>
      <td>
        <Time at={job.updatedAt} />
      </td>
    </tr>
  );
}

function JobTable({ page }: { page: JobPage }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Function</th>
          <th scope="col">State</th>
          <th scope="col">Attempt</th>
          <th scope="col">Progress</th>
          <th scope="col">Created</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {page.items.map((j) => (
          <JobRow key={j.id} job={j} />
        ))}
      </tbody>
    </table>
  );
}

/** What the empty list says, given the filters in use. */
function emptyText(filtered: boolean, text: string): string {
  if (text) {
    return `No job matches "${text}": check the text, or clear the search. It finds a job id (exactly), or text in an idempotency key, a function name or an error message.`;
  }
  return filtered
    ? "No job matches these filters: clear them, or pick another state or function."
    : "No jobs yet. Enqueue one with `kairos enqueue <fn>` or POST /api/v1/jobs; it shows up here live.";
}

/** The jobs page; `query` is the URL's (state, fn, q, cursor). */
export function JobsPage({ query }: { query: URLSearchParams }) {
  const { api, router } = useServices();
  const state = query.get("state") ?? "";
  const fn = query.get("fn") ?? "";
  const text = query.get("q") ?? "";
  const cursor = query.get("cursor") ?? "";
  const [trail, setTrail] = useState<string[]>([]);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const key = `${state}|${fn}|${text}|${cursor}`;
  const page = useFetch(key, () => listJobs(api, { state, fn, q: text, cursor }));
  const go = (c: string | undefined) => {
    const q = new URLSearchParams(query);
    if (c) q.set("cursor", c);
    else q.delete("cursor");
    setFresh(new Set());
    router.navigate({ name: "jobs", query: q }, { replace: true });
  };
  useLive((s) => {
    if (s.type === "reset") return page.reload();
    const e = s.event;
    if (e.kind !== "job" || !e.subject) return;
    const id = e.subject;
    if (page.data?.items.some((j) => j.id === id)) {
      getJob(api, id).then(
        (job) => page.set((p) => p && { ...p, items: p.items.map((j) => (j.id === id ? job : j)) }),
        () => page.reload(),
      );
    } else if (!cursor && !text && page.data) {
      const newId = newJobOf(e, { state, fn, newestId: page.data.items[0]?.id });
      if (newId) setFresh((ids) => (ids.has(newId) ? ids : new Set(ids).add(newId)));
    }
  });
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <div className="filters-bar">
        <SearchBox query={query} onSearch={() => setTrail([])} />
        <Filters state={state} fn={fn} text={text} />
      </div>
      <div className="notice-line" aria-live="polite">
        {fresh.size > 0 ? (
          <button
            type="button"
            className="link"
            onClick={() => (setFresh(new Set()), page.reload())}
          >
            {fresh.size} new job{fresh.size === 1 ? "" : "s"}: show
          </button>
        ) : null}
      </div>
      {page.error ? (
        <ErrorState error={page.error} title="The jobs could not be loaded" />
      ) : !page.data ? (
        <Loading />
      ) : page.data.items.length === 0 ? (
        <EmptyState>{emptyText(Boolean(state || fn || cursor), text)}</EmptyState>
      ) : (
        <JobTable page={page.data} />
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={!cursor} onClick={() => (setTrail([]), go(undefined))}>
          Newest
        </button>
        <button
          type="button"
          disabled={trail.length === 0}
          onClick={() => {
            const prev = trail[trail.length - 1];
            setTrail(trail.slice(0, -1));
            go(prev);
          }}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => {
            setTrail([...trail, cursor]);
            go(page.data?.nextCursor ?? undefined);
          }}
        >
          Older
        </button>
      </nav>
    </section>
  );
}
