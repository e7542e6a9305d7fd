/**
 * @module core/retention
 * How long finished jobs (with their log lines) and schedule history are kept: the option
 * values users write, their validation, and the pure decisions retention is made of.
 *
 * A retention value is a duration — `"7d"`, `"30d"`, `"12h"`, or a number of milliseconds —
 * or `"forever"`. Resolved, it is a number of ms or `null` (keep forever). There is a global
 * default (7 days unless the user says otherwise) and an optional value per function, which
 * wins for that function's jobs. Schedule history follows the global default, but each
 * schedule always keeps its newest entries (see `HISTORY_KEEP_LATEST`).
 *
 * Only finished jobs are ever deleted — succeeded, failed, cancelled, timed_out — and only
 * once `finishedAt` is older than their retention; the store ports enforce that.
 */
import { ValidationError } from "./errors.js";
import { parseDuration } from "./schedules/duration.js";

/** A retention as users write it: a duration ("7d", "30d", ms as a number) or "forever". */
export type RetentionOption = string | number;

/** The value that keeps finished jobs forever. */
export const FOREVER = "forever";

/** Default retention of finished jobs and schedule history: 7 days. */
export const DEFAULT_RETENTION_MS = 7 * 86_400_000;

/**
 * Each schedule keeps at least its newest this-many history entries, however old: the page the
 * history view shows by default (100), so a schedule that fires monthly still shows its last
 * runs after a week.
 */
export const HISTORY_KEEP_LATEST = 100;

/** Resolved retention: ms, or null for "keep forever". */
export interface RetentionPolicy {
  /** Retention of every function without its own value, and of schedule history. */
  readonly defaultMs: number | null;
  /** Functions with their own retention (only those the user gave one). */
  readonly perFunction: ReadonlyMap<string, number | null>;
}

/**
 * Parse one retention value: "forever" -> null; a duration string or a number of ms -> ms (a
 * safe integer > 0). Throws ValidationError naming `where` for anything else, including 0
 * (which would delete a job as soon as it finishes, before anyone could read its result).
 */
export function parseRetention(value: unknown, where = "retention"): number | null {
  if (value === FOREVER) return null;
  if (typeof value !== "string" && typeof value !== "number") {
    throw new ValidationError(
      `${where} must be a duration such as "7d" or "30d", a number of milliseconds, or "forever"; got ${shown(value)}`,
    );
  }
  if (typeof value === "number" && value === Number.POSITIVE_INFINITY) {
    throw new ValidationError(`${where} is Infinity; write "forever" to keep jobs forever`);
  }
  const ms = parseDuration(value, where);
  if (ms === 0) {
    throw new ValidationError(
      `${where} must be longer than 0 (a job would be deleted as soon as it finishes); write a duration such as "1h" or "7d", or "forever"`,
    );
  }
  return ms;
}

/** Inputs of `resolveRetention`, as given to `createKairos` and `define` (or kairos.yaml). */
export interface RetentionInput {
  /** The global default; omitted: 7 days. */
  readonly default?: RetentionOption | null | undefined;
  /** Per function: its retention, or undefined when it has none of its own. */
  readonly functions?: Iterable<readonly [name: string, retention: RetentionOption | undefined]>;
}

/**
 * Resolve the retention policy. `null` as the default is read as "forever" (the resolved form
 * of config files). Throws ValidationError naming the bad value.
 */
export function resolveRetention(input: RetentionInput = {}): RetentionPolicy {
  const defaultMs =
    input.default === undefined
      ? DEFAULT_RETENTION_MS
      : input.default === null
        ? null
        : parseRetention(input.default, "retention");
  const perFunction = new Map<string, number | null>();
  for (const [name, value] of input.functions ?? []) {
    if (value === undefined) continue;
    perFunction.set(name, parseRetention(value, `retention of function "${name}"`));
  }
  return { defaultMs, perFunction };
}

/** One deletion pass over finished jobs, for one run of retention at `now`. */
export type RetentionPass =
  /** Jobs of one function with a retention of its own. */
  | { readonly kind: "function"; readonly fn: string; readonly finishedBefore: number }
  /** Jobs of every other function, under the default retention. */
  | {
      readonly kind: "default";
      readonly finishedBefore: number;
      readonly excludeFns: readonly string[];
    };

/** What one run of retention deletes. */
export interface RetentionPlan {
  /** Passes over finished jobs, per-function ones first (in name order), then the default. */
  readonly jobs: readonly RetentionPass[];
  /** Schedule history recorded before this instant goes (newest entries kept); null: none. */
  readonly historyBefore: number | null;
}

/**
 * The passes of one retention run at `now`. A function whose own retention equals the default
 * is swept by the default pass; functions kept forever or longer/shorter are excluded from it
 * and get their own pass (none when forever).
 */
export function planRetention(policy: RetentionPolicy, now: number): RetentionPlan {
  const own = [...policy.perFunction]
    .filter(([, ms]) => ms !== policy.defaultMs)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const jobs: RetentionPass[] = [];
  for (const [fn, ms] of own) {
    if (ms !== null) jobs.push({ kind: "function", fn, finishedBefore: now - ms });
  }
  if (policy.defaultMs !== null) {
    jobs.push({
      kind: "default",
      finishedBefore: now - policy.defaultMs,
      excludeFns: own.map(([fn]) => fn),
    });
  }
  return {
    jobs,
    historyBefore: policy.defaultMs === null ? null : now - policy.defaultMs,
  };
}

function shown(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? `a ${typeof value}`;
  } catch {
    return `a ${typeof value}`;
  }
}
