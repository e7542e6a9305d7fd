/**
 * @module runtime/schedule-events
 * The events of the schedules facade: `schedule:paused` / `schedule:resumed` on every path
 * that pauses or resumes, `schedule:changed` on create, update and delete. The feed records
 * them (kind `schedule`), so pages and other replicas see a pause at once.
 */
import type { StoredSchedule } from "../ports/schedule-store.js";
import type { EventBus } from "./event-bus.js";

/** Where the events go (absent: none). */
export interface ScheduleEventsSink {
  readonly events?: Pick<EventBus, "emit">;
}

/** Emit `schedule:paused` (enabled false) or `schedule:resumed` (enabled true). */
export function announceToggle(
  sink: ScheduleEventsSink,
  schedule: Pick<StoredSchedule, "name" | "source">,
  enabled: boolean,
  note: string | null,
  at: number,
): void {
  sink.events?.emit(enabled ? "schedule:resumed" : "schedule:paused", {
    schedule: schedule.name,
    note,
    source: schedule.source,
    at,
  });
}

/** Emit `schedule:changed`. */
export function announceChange(
  sink: ScheduleEventsSink,
  schedule: string,
  change: "created" | "updated" | "deleted",
  at: number,
): void {
  sink.events?.emit("schedule:changed", { schedule, change, at });
}
