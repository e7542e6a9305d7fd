/**
 * @module config/validate
 * The rules of a config file that span fields, checked on the raw data whatever zod said about
 * other parts of the file (so one run reports every problem): unique function names, unique
 * schedule names across the file, exactly one timing per schedule, cron expressions valid in
 * their time zone and able to fire, and payloads that JSON can hold within the size limit (the
 * function's `maxPayloadBytes`, else the file's, else 1 MiB).
 */
import { CronError, type CronField } from "../core/cron/cron-error.js";
import { validateCron } from "../core/cron/parse.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, payloadJson } from "../core/payload.js";
import { parseDuration } from "../core/schedules/duration.js";
import { validateTiming } from "../core/schedules/timing.js";
import type { ScheduleTiming } from "../ports/schedule-store.js";
import { isRecord, type IssueCollector } from "./issues.js";
import { parseInstant } from "./schema.js";
import { isValidTimeZone } from "./timezone.js";

type Path = (string | number)[];

const TIMING_KEYS = ["cron", "every", "at"] as const;

/** Check the cross-field rules of the file's data `raw`; `lineOf` places a path for messages. */
export function checkCrossFieldRules(
  raw: unknown,
  out: IssueCollector,
  lineOf: (path: Path) => number,
  cronFieldOffset: CronFieldLocator = () => undefined,
): void {
  if (!isRecord(raw) || !Array.isArray(raw.functions)) return;
  const functionNames = new Map<string, Path>();
  const scheduleNames = new Map<string, Path>();
  const fileLimit = payloadLimit(raw.maxPayloadBytes) ?? DEFAULT_MAX_PAYLOAD_BYTES;
  raw.functions.forEach((fn: unknown, i) => {
    if (!isRecord(fn)) return;
    const fnPath: Path = ["functions", i];
    checkUnique(fn.name, [...fnPath, "name"], functionNames, "function", out, lineOf);
    if (!Array.isArray(fn.schedules)) return;
    fn.schedules.forEach((schedule: unknown, j) => {
      if (!isRecord(schedule)) return;
      const path: Path = [...fnPath, "schedules", j];
      checkUnique(schedule.name, [...path, "name"], scheduleNames, "schedule", out, lineOf);
      const limit = {
        maxBytes: payloadLimit(fn.maxPayloadBytes) ?? fileLimit,
        context: `function ${JSON.stringify(fn.name)}`,
      };
      checkSchedule(schedule, path, out, cronFieldOffset, limit);
    });
  });
}

function checkUnique(
  name: unknown,
  path: Path,
  seen: Map<string, Path>,
  what: string,
  out: IssueCollector,
  lineOf: (path: Path) => number,
): void {
  if (typeof name !== "string") return;
  const first = seen.get(name);
  if (first === undefined) {
    seen.set(name, path);
    return;
  }
  out.add(
    path,
    `duplicate ${what} name ${JSON.stringify(name)} (first declared at line ${lineOf(first)})`,
    {
      suggestion: `${what} names must be unique${what === "schedule" ? " across the file" : ""}; rename one`,
    },
  );
}

/** The source offset of one field of the cron expression written at `path`, when it can be told. */
export type CronFieldLocator = (path: Path, field: CronField) => number | undefined;

function checkSchedule(
  schedule: Record<string, unknown>,
  path: Path,
  out: IssueCollector,
  cronFieldOffset: CronFieldLocator,
  limit: { maxBytes: number; context: string },
): void {
  if (schedule.payload !== undefined) {
    try {
      payloadJson(schedule.payload, { path: "payload", ...limit });
    } catch (e) {
      out.add([...path, "payload"], e instanceof Error ? e.message : String(e));
    }
  }
  checkTiming(schedule, path, out, cronFieldOffset);
}

/** A `maxPayloadBytes` value as the schema accepts it, else undefined (zod reports it). */
function payloadLimit(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function checkTiming(
  schedule: Record<string, unknown>,
  path: Path,
  out: IssueCollector,
  cronFieldOffset: CronFieldLocator,
): void {
  const given = TIMING_KEYS.filter((k) => schedule[k] !== undefined);
  if (given.length === 0) {
    out.add(path, 'has no timing: give exactly one of "cron", "every" or "at"', {
      suggestion: 'e.g. cron: "0 3 * * *", every: 30s, or at: 2026-12-01T09:00:00Z',
    });
  } else if (given.length > 1) {
    out.add(
      [...path, given[1] as string],
      `give exactly one of "cron", "every" or "at", not both "${given[0]}" and "${given[1]}"`,
      {
        atKey: true,
        suggestion: `remove "${given[1]}" or "${given[0]}"`,
      },
    );
  }
  const tz = schedule.timezone;
  if (tz !== undefined && given.length === 1 && given[0] !== "cron") {
    out.add(
      [...path, "timezone"],
      `timezone applies only to cron schedules, not to "${given[0]}"`,
      {
        atKey: true,
        suggestion: "remove timezone",
      },
    );
  }
  if (given.length !== 1) return;
  const timing = timingOf(schedule, tz);
  if (timing === null) return;
  const key = given[0] as string;
  try {
    if (timing.kind === "cron") validateCron(timing.cron, timing.timezone);
    validateTiming(timing);
  } catch (e) {
    if (e instanceof CronError) {
      // The message ends with "; <suggestion>": show the suggestion once, as the hint.
      const tail = e.suggestion === undefined ? "" : `; ${e.suggestion}`;
      const text =
        tail !== "" && e.message.endsWith(tail) ? e.message.slice(0, -tail.length) : e.message;
      const offset = e.field === undefined ? undefined : cronFieldOffset([...path, key], e.field);
      out.add([...path, key], text, {
        suggestion: e.suggestion ?? null,
        ...(offset === undefined ? {} : { offset }),
      });
    } else {
      out.add([...path, key], e instanceof Error ? e.message : String(e));
    }
  }
}

/** The timing of a schedule, when its fields are each well formed (otherwise zod reported them). */
function timingOf(schedule: Record<string, unknown>, tz: unknown): ScheduleTiming | null {
  try {
    if (typeof schedule.cron === "string") {
      // A bad time zone is reported at its own field; the expression is still checked (in UTC).
      const zone = typeof tz === "string" && isValidTimeZone(tz) ? tz : "UTC";
      return { kind: "cron", cron: schedule.cron, timezone: zone };
    }
    if (typeof schedule.every === "string" || typeof schedule.every === "number") {
      return { kind: "every", everyMs: parseDuration(schedule.every) };
    }
    if (typeof schedule.at === "string" || typeof schedule.at === "number") {
      return { kind: "at", at: parseInstant(schedule.at) };
    }
  } catch {
    // A malformed duration or instant: the schema reports it at its field.
  }
  return null;
}
