/**
 * @module core/feed/record
 * Which engine events the feed records, and the FeedRecord each becomes: its kind, function,
 * workflow and subject, and its data (the event's fields minus `at`, long texts truncated to
 * 2 KB, error stacks left out; events never carry payloads). Pure: the runtime's recorder
 * calls it for every bus event it receives.
 */
import { parseTaskTryKey } from "../workflows/task-errors.js";
import type { FeedEvent, FeedKind, FeedRecord, StoredFeedRecord } from "./types.js";

/** Every bus event the feed records, by family. Not `worker:*` or `store:*` diagnostics. */
export const FEED_EVENT_NAMES = [
  "job:queued",
  "job:started",
  "job:succeeded",
  "job:failed",
  "job:retrying",
  "job:timed_out",
  "job:cancelled",
  "job:progress",
  "job:log",
  "job:result_dropped",
  "job:released",
  "job:recovered",
  "job:stopped",
  "job:stale_report",
  "control:requested",
  "control:resolved",
  "schedule:fired",
  "schedule:skipped",
  "schedule:missed",
  "schedule:error",
  "schedule:paused",
  "schedule:resumed",
  "schedule:changed",
  "run:created",
  "run:started",
  "run:finished",
  "run:stopped",
  "leader:elected",
  "leader:lost",
  "leader:standby",
] as const;

/** The name of a recorded event. */
export type FeedEventName = (typeof FEED_EVENT_NAMES)[number];

/** The largest text (error message, reason) kept in a record's data, UTF-8 bytes. */
export const MAX_FEED_TEXT_BYTES = 2048;

/** A bus event as the mapping sees it: its fields, `at` among them. */
export interface FeedSourceEvent {
  readonly at: number;
  readonly [field: string]: unknown;
}

/** A mapped event: the record, and the run id of a workflow task's job (its workflow to fill). */
export interface MappedFeedEvent {
  readonly record: FeedRecord;
  /**
   * The run the event is about: a run event's id, or the run of a workflow task's job (whose
   * record has `workflow` null until the recorder knows the run's workflow); else null.
   */
  readonly runId: string | null;
}

/**
 * Map a bus event to its feed record. `instance` is the recording process's worker id.
 * Guarantees: `data` is JSON of the event's own fields without `at`; strings longer than
 * MAX_FEED_TEXT_BYTES are cut (marked `…[truncated]`); an `error` keeps name, message and
 * code only.
 */
export function feedRecordOf(
  name: FeedEventName,
  event: FeedSourceEvent,
  instance: string,
): MappedFeedEvent {
  const kind = name.slice(0, name.indexOf(":")) as FeedKind;
  const { at } = event;
  const data = JSON.stringify(feedData(event));
  // Records are built as literals, never by spreading a shared base: one is made per bus
  // event, on the hot path of every job (its start and its end).
  switch (kind) {
    case "job": {
      const runId = workflowRunOf(event["origin"]) ?? text(event["runId"]);
      const fn = text(event["fn"]);
      const subject = text(event["jobId"]);
      return { record: { at, name, kind, instance, data, fn, workflow: null, subject }, runId };
    }
    case "schedule": {
      const subject = text(event["schedule"]);
      return {
        record: { at, name, kind, instance, data, fn: null, workflow: null, subject },
        runId: null,
      };
    }
    case "run": {
      const runId = text(event["runId"]);
      const workflow = text(event["workflow"]);
      return {
        record: { at, name, kind, instance, data, fn: null, workflow, subject: runId },
        runId,
      };
    }
    case "leader":
      return {
        record: { at, name, kind, instance, data, fn: null, workflow: null, subject: null },
        runId: null,
      };
    case "control": {
      // A request about a run: the recorder fills the run's workflow, as for a run event.
      const runId = event["targetKind"] === "run" ? text(event["targetId"]) : null;
      const fn = text(event["fn"]);
      const subject = text(event["targetId"]);
      return { record: { at, name, kind, instance, data, fn, workflow: null, subject }, runId };
    }
  }
}

/** The same record with its workflow set (a workflow task's job, once its run is known). */
export function withWorkflow(record: FeedRecord, workflow: string | null): FeedRecord {
  return workflow === null ? record : { ...record, workflow };
}

/** A stored record as clients see it: `at` a Date, `data` parsed (an unreadable data is `{}`). */
export function toFeedEvent(stored: StoredFeedRecord): FeedEvent {
  return {
    id: stored.id,
    at: new Date(stored.at),
    name: stored.name,
    kind: stored.kind,
    fn: stored.fn,
    workflow: stored.workflow,
    subject: stored.subject,
    instance: stored.instance,
    data: parseData(stored.data),
  };
}

/** One encoder for every call (a text short enough to fit is returned before any encoding). */
const encoder = new TextEncoder();

/**
 * `value` cut to at most `maxBytes` UTF-8 bytes (marker included) at a character boundary,
 * with `…[truncated]` appended when cut; unchanged when it fits.
 */
export function truncateUtf8(value: string, maxBytes = MAX_FEED_TEXT_BYTES): string {
  if (value.length <= maxBytes / 3 || encoder.encode(value).length <= maxBytes) return value;
  const marker = "…[truncated]";
  const budget = maxBytes - encoder.encode(marker).length;
  const bytes = encoder.encode(value).subarray(0, budget);
  // A fatal-free decode drops a split character's tail as U+FFFD; cut it off instead.
  let cut = new TextDecoder().decode(bytes);
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
  return cut + marker;
}

function feedData(event: FeedSourceEvent): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(event)) {
    const value = event[key];
    if (key === "at" || value === undefined) continue;
    if (key === "error") data[key] = errorData(value);
    else if (typeof value === "string") data[key] = truncateUtf8(value);
    else data[key] = value;
  }
  return data;
}

function errorData(value: unknown): unknown {
  if (typeof value !== "object" || value === null) {
    return typeof value === "string" ? truncateUtf8(value) : value;
  }
  const error = value as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof error.name === "string" ? truncateUtf8(error.name) : "Error",
    message: typeof error.message === "string" ? truncateUtf8(error.message) : "",
    ...(typeof error.code === "string" ? { code: truncateUtf8(error.code) } : {}),
  };
}

/** The run id of a workflow task's job origin (`<task>#<try>` key), else null. */
export function workflowRunOf(origin: unknown): string | null {
  if (typeof origin !== "object" || origin === null) return null;
  const { kind, id, key } = origin as { kind?: unknown; id?: unknown; key?: unknown };
  if (kind !== "workflow" || typeof id !== "string" || typeof key !== "string") return null;
  return parseTaskTryKey(key) === null ? null : id;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function parseData(data: string): Readonly<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
