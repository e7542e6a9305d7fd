/**
 * @module dashboard/pages/schedule
 * One schedule: its timing in words, the next fires in its time zone and the viewer's, the
 * history timeline (fired, skipped, missed, caught up..., with reasons) and, for a write token,
 * pause / resume with a note and trigger now. Its schedule events and resets re-read it.
 */
import { useState } from "react";
import { Link } from "../components/link.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { Time } from "../components/time.js";
import { useCanWrite, useLive, useServices } from "../context.js";
import {
  describeTiming,
  historyKindLabel,
  historyReasonText,
  scheduleZone,
  timingOf,
  timingText,
} from "../schedule-view.js";
import {
  getSchedule,
  scheduleHistory,
  scheduleNext,
  schedulePause,
  scheduleTrigger,
  type Schedule,
  type ScheduleAction,
} from "../schedules-api.js";
import { useFetch } from "../use-fetch.js";
import { FireTime, PausedBadge } from "./schedules.js";

function Actions({ schedule, onDone }: { schedule: Schedule; onDone: () => void }) {
  const { api } = useServices();
  const canWrite = useCanWrite();
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState<ScheduleAction | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  if (!canWrite) return null;
  const run = (a: ScheduleAction) => {
    setBusy(a);
    setError(null);
    setJobId(null);
    const call =
      a === "trigger"
        ? scheduleTrigger(api, schedule.name).then((j) => setJobId(j.id))
        : schedulePause(api, schedule.name, a, note).then(() => setNote(""));
    call.then(
      () => {
        setBusy(null);
        onDone();
      },
      (e: unknown) => (setBusy(null), setError(e instanceof Error ? e : new Error(String(e)))),
    );
  };
  const toggle: ScheduleAction = schedule.enabled ? "pause" : "resume";
  return (
    <div className="actions">
      <label>
        Note{" "}
        <input
          name="note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={`why ${toggle} (kept in the history)`}
        />
      </label>
      <button
        type="button"
        data-testid={`action-${toggle}`}
        disabled={busy !== null}
        onClick={() => run(toggle)}
      >
        {toggle}
      </button>
      <button
        type="button"
        data-testid="action-trigger"
        disabled={busy !== null}
        onClick={() => run("trigger")}
      >
        trigger now
      </button>
      <span aria-live="polite" data-testid="triggered">
        {jobId ? (
          <>
            Triggered: job <Link to={`/jobs/${encodeURIComponent(jobId)}`}>{jobId}</Link> enqueued.
          </>
        ) : null}
      </span>
      {error ? <ErrorState error={error} title="The action was refused" /> : null}
    </div>
  );
}

function NextFires({ name, zone, version }: { name: string; zone: string; version: string }) {
  const { api } = useServices();
  const next = useFetch(`${name}|${version}`, () => scheduleNext(api, name));
  if (next.error)
    return <ErrorState error={next.error} title="The next fires could not be loaded" />;
  if (!next.data) return <Loading />;
  if (next.data.items.length === 0)
    return (
      <EmptyState>
        No fire to come: a one-off schedule that already fired never fires again.
      </EmptyState>
    );
  return (
    <ol className="fires" data-testid="schedule-next">
      {next.data.items.map((at) => (
        <li key={at}>
          <FireTime at={at} zone={zone} />
        </li>
      ))}
    </ol>
  );
}

function History({ name, version }: { name: string; version: string }) {
  const { api } = useServices();
  const h = useFetch(`${name}|${version}`, () => scheduleHistory(api, name));
  if (h.error) return <ErrorState error={h.error} title="The history could not be loaded" />;
  if (!h.data) return <Loading />;
  if (h.data.items.length === 0)
    return (
      <EmptyState>
        Nothing happened yet: fires, skips, misses and pauses show up here as they happen.
      </EmptyState>
    );
  return (
    <ol className="timeline" data-testid="schedule-history">
      {h.data.items.map((e, i) => {
        const reason = historyReasonText(e.reason);
        return (
          <li key={`${e.at}|${e.kind}|${e.slotAt ?? ""}|${i}`} data-kind={e.kind}>
            <span className={`badge history-${e.kind}`}>{historyKindLabel(e.kind)}</span>{" "}
            <Time at={e.at} />
            {e.slotAt !== null && e.slotAt !== e.at ? (
              <span className="muted">
                {" "}
                (slot <Time at={e.slotAt} />)
              </span>
            ) : null}
            {reason ? (
              <span>
                {" "}
                because {reason} <code className="muted">{e.reason}</code>
              </span>
            ) : null}
            {e.message ? <span>: {e.message}</span> : null}
            {e.jobId ? (
              <span>
                {" "}
                job <Link to={`/jobs/${encodeURIComponent(e.jobId)}`}>{e.jobId}</Link>
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** The schedule page. */
export function SchedulePage({ name }: { name: string }) {
  const { api } = useServices();
  const s = useFetch(name, () => getSchedule(api, name));
  useLive((sig) => {
    if (sig.type === "reset" || (sig.event.kind === "schedule" && sig.event.subject === name))
      s.reload();
  });
  if (s.error) return <ErrorState error={s.error} title={`Schedule ${name} could not be loaded`} />;
  if (!s.data) return <Loading />;
  const d = s.data;
  const timing = timingOf(d.timing);
  const version = `${d.updatedAt}|${d.enabled}|${d.runCount}|${d.lastFiredAt ?? ""}`;
  return (
    <article aria-labelledby="schedule-title">
      <h1 id="schedule-title">
        Schedule {d.name} <PausedBadge schedule={d} testId="schedule-state" />
      </h1>
      {!d.enabled && d.pauseNote ? <p data-testid="pause-note">Paused: {d.pauseNote}</p> : null}
      <Actions schedule={d} onDone={s.reload} />
      <dl className="facts">
        <dt>Function</dt>
        <dd>{d.fn}</dd>
        <dt>Timing</dt>
        <dd>
          {describeTiming(timing)} <code>{timingText(timing)}</code>
        </dd>
        <dt>Source</dt>
        <dd>{d.source === "config" ? "kairos.yaml" : "API"}</dd>
        <dt>Overlap / catch-up</dt>
        <dd>
          {d.overlap} / {d.catchup}
        </dd>
        <dt>Fired</dt>
        <dd>
          {d.runCount} times, last <Time at={d.lastFiredAt} /> {d.lastStatus ?? ""}
        </dd>
        {d.lastError ? (
          <>
            <dt>Last error</dt>
            <dd>{d.lastError}</dd>
          </>
        ) : null}
      </dl>
      <h2>Next fires</h2>
      {d.enabled ? (
        <NextFires name={name} zone={scheduleZone(timing)} version={version} />
      ) : (
        <EmptyState>Paused: it fires again once resumed.</EmptyState>
      )}
      <h2>History</h2>
      <History name={name} version={version} />
    </article>
  );
}
