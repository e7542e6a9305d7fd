/**
 * @module core/jobs/origin
 * Where a job came from: its origin `{ kind, id, key }`.
 *
 *   api       enqueued by a caller (library, CLI, HTTP); no id, no key
 *   schedule  created by a schedule: id = the schedule's id; key = the slot (its nominal fire
 *             instant, ms since epoch, as decimal text) when a slot fired it, null for a manual
 *             trigger
 *   workflow  a task instance of a workflow run (id and key chosen by the workflow planner)
 *   control   created by a control request
 *
 * Rules every store keeps: (kind, id, key) is unique among jobs when `key` is not null — that
 * is what makes a schedule slot (or a workflow task try) create at most one job, across
 * processes; and the owner of a kind (the store module of that aggregate) is told, in the same
 * transaction, when a job of its kind reaches a terminal state (see ports/job-store).
 *
 * To add a kind, append it to ORIGIN_KINDS; stores validate kinds here, not in the schema.
 */
import { ValidationError } from "../errors.js";

/** Every origin kind, in the order they were introduced. Append only. */
export const ORIGIN_KINDS = ["api", "schedule", "workflow", "control"] as const;

/** The kind of a job's origin. */
export type OriginKind = (typeof ORIGIN_KINDS)[number];

/** Where a job came from. */
export interface JobOrigin {
  readonly kind: OriginKind;
  /** The id of the object of that kind that created the job (a schedule id, ...), or null. */
  readonly id: string | null;
  /** What the job is for within that object (a slot, a task try), unique per (kind, id), or null. */
  readonly key: string | null;
}

/** The origin of a job enqueued by a caller. */
export const API_ORIGIN: JobOrigin = Object.freeze({ kind: "api", id: null, key: null });

/** Narrow an unknown value to an OriginKind. */
export function isOriginKind(value: unknown): value is OriginKind {
  return typeof value === "string" && (ORIGIN_KINDS as readonly string[]).includes(value);
}

/** The origin of the job a schedule creates for the slot `slotAt`. */
export function scheduleSlotOrigin(scheduleId: string, slotAt: number): JobOrigin {
  return { kind: "schedule", id: scheduleId, key: String(slotAt) };
}

/** The origin of a job created by triggering a schedule by hand (no slot). */
export function scheduleTriggerOrigin(scheduleId: string): JobOrigin {
  return { kind: "schedule", id: scheduleId, key: null };
}

/**
 * The slot instant of a schedule origin's key, or null (no key, or not a decimal integer
 * instant).
 */
export function slotOfKey(key: string | null): number | null {
  if (key === null || !/^-?\d{1,16}$/.test(key)) return null;
  const n = Number(key);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Validate an origin given to a store (omitted: the api origin). Throws ValidationError when
 * the kind is unknown, when an api origin carries an id or key, when an id or key is not a
 * non-empty string, or when a key comes without an id (the key is unique per kind and id).
 */
export function checkOrigin(origin: JobOrigin | undefined): JobOrigin {
  if (origin === undefined) return API_ORIGIN;
  const { kind, id, key } = origin as { kind: unknown; id: unknown; key: unknown };
  if (!isOriginKind(kind)) {
    throw new ValidationError(
      `origin.kind must be one of ${ORIGIN_KINDS.join(", ")}; got ${JSON.stringify(kind)}`,
    );
  }
  for (const [name, value] of [
    ["id", id],
    ["key", key],
  ] as const) {
    if (value !== null && (typeof value !== "string" || value === "")) {
      throw new ValidationError(
        `origin.${name} must be a non-empty string or null; got ${JSON.stringify(value)}`,
      );
    }
  }
  if (kind === "api" && (id !== null || key !== null)) {
    throw new ValidationError(
      `an api origin has no id or key; got ${JSON.stringify({ id, key })} — use another kind`,
    );
  }
  if (key !== null && id === null) {
    throw new ValidationError(
      `origin.key ${JSON.stringify(key)} needs an origin.id (the key is unique per kind and id)`,
    );
  }
  return { kind, id: id as string | null, key: key as string | null };
}
