/**
 * @module runtime/schedule-patch
 * What `schedules.update` changes: the stored schedule with a patch over it (as input), and
 * the declared fields that differ (for one `update_schedule` change). Pure.
 */
import type { ScheduleDeclaration, StoredSchedule } from "../ports/schedule-store.js";
import type { ScheduleInput, SchedulePatch } from "./schedules-api.js";

/** The stored schedule as an input, with the patch's fields over it. */
export function mergePatch(current: StoredSchedule, patch: SchedulePatch): ScheduleInput {
  const t = current.timing;
  const timingGiven =
    patch.cron !== undefined || patch.every !== undefined || patch.at !== undefined;
  const timing: Pick<ScheduleInput, "cron" | "every" | "at" | "timezone"> = timingGiven
    ? {
        ...(patch.cron !== undefined ? { cron: patch.cron } : {}),
        ...(patch.every !== undefined ? { every: patch.every } : {}),
        ...(patch.at !== undefined ? { at: patch.at } : {}),
      }
    : t.kind === "cron"
      ? { cron: t.cron, timezone: t.timezone }
      : t.kind === "every"
        ? { every: t.everyMs }
        : { at: new Date(t.at) };
  return {
    name: current.name,
    fn: patch.fn ?? current.fn,
    ...timing,
    ...(patch.timezone !== undefined ? { timezone: patch.timezone } : {}),
    payload:
      patch.payload !== undefined ? patch.payload : (JSON.parse(current.payloadJson) as unknown),
    overlap: patch.overlap ?? current.overlap,
    bufferLimit: patch.bufferLimit ?? current.bufferLimit,
    catchup: patch.catchup ?? current.catchup,
    catchupWindow: patch.catchupWindow ?? current.catchupWindowMs,
    jitter: patch.jitter ?? current.jitterMs,
  };
}

/** The declared fields of `next` that differ from `current` (for an update_schedule change). */
export function changedFields(
  current: StoredSchedule,
  next: ScheduleDeclaration,
): Partial<Omit<ScheduleDeclaration, "name" | "source">> {
  const fields: Partial<Record<keyof ScheduleDeclaration, unknown>> = {};
  const keys = [
    "fn",
    "payloadJson",
    "overlap",
    "bufferLimit",
    "catchup",
    "catchupWindowMs",
    "jitterMs",
  ] as const;
  for (const key of keys) if (current[key] !== next[key]) fields[key] = next[key];
  if (JSON.stringify(current.timing) !== JSON.stringify(next.timing)) fields.timing = next.timing;
  return fields as Partial<Omit<ScheduleDeclaration, "name" | "source">>;
}
