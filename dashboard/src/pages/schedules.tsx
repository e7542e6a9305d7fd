/**
 * @module dashboard/pages/schedules
 * The schedules list: name, function, timing in words (and its text), a paused badge, and the
 * next fire relative and absolute in the schedule's time zone and the viewer's. Schedule
 * events and resets re-read the list.
 */
import type { Schedule } from "../schedules-api.js";
import { listSchedules } from "../schedules-api.js";
import { Link } from "../components/link.js";
import { EmptyState, ErrorState, Loading } from "../components/states.js";
import { Time } from "../components/time.js";
import { useLive, useServices } from "../context.js";
import {
  describeTiming,
  formatInZone,
  scheduleZone,
  timingOf,
  timingText,
  viewerZone,
} from "../schedule-view.js";
import { useFetch } from "../use-fetch.js";

/** A schedule's paused/active badge. */
export function PausedBadge({ schedule, testId }: { schedule: Schedule; testId?: string }) {
  return (
    <span
      className={`badge ${schedule.enabled ? "state-running" : "state-stopped"}`}
      data-testid={testId}
      title={schedule.pauseNote ?? undefined}
    >
      {schedule.enabled ? "active" : "paused"}
    </span>
  );
}

/** An instant relative, then absolute in the schedule's zone and (when other) the viewer's. */
export function FireTime({ at, zone }: { at: string | null; zone: string }) {
  if (at === null) return <span className="muted">no next fire</span>;
  const ms = Date.parse(at);
  const mine = viewerZone();
  return (
    <span className="fire-time">
      <Time at={ms} /> <span className="muted">· {formatInZone(ms, zone)}</span>
      {mine !== zone ? <span className="muted"> · {formatInZone(ms, mine)} (yours)</span> : null}
    </span>
  );
}

function ScheduleRow({ s }: { s: Schedule }) {
  const timing = timingOf(s.timing);
  return (
    <tr data-testid="schedule-row" data-schedule-name={s.name}>
      <td>
        <Link to={`/schedules/${encodeURIComponent(s.name)}`}>{s.name}</Link>
      </td>
      <td>{s.fn}</td>
      <td>
        {describeTiming(timing)} <code className="muted">{timingText(timing)}</code>
      </td>
      <td>
        <PausedBadge schedule={s} />
      </td>
      <td>{s.enabled ? <FireTime at={s.nextFireAt} zone={scheduleZone(timing)} /> : "—"}</td>
      <td>
        <Time at={s.lastFiredAt} /> {s.lastStatus ?? ""}
      </td>
    </tr>
  );
}

/** The schedules page. */
export function SchedulesPage() {
  const { api } = useServices();
  const list = useFetch("schedules", () => listSchedules(api));
  useLive((sig) => {
    if (sig.type === "reset" || sig.event.kind === "schedule") list.reload();
  });
  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules</h1>
      {list.error ? (
        <ErrorState error={list.error} title="The schedules could not be loaded" />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <EmptyState>
          No schedules yet. Declare one under a function&apos;s <code>schedules:</code> in
          kairos.yaml and run <code>kairos apply</code>, or POST /api/v1/schedules.
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Function</th>
              <th scope="col">Timing</th>
              <th scope="col">State</th>
              <th scope="col">Next fire</th>
              <th scope="col">Last fire</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <ScheduleRow key={s.id} s={s} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
