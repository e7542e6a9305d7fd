/**
 * @module runtime/schedules-api
 * The `kairos.schedules` facade: create (source `api`), read, pause/resume, trigger, delete,
 * history and next fires. Schedules created here are never touched by `kairos apply`.
 */
import { DEFAULT_MAX_PAYLOAD_BYTES, payloadJson } from "../core/payload.js";
import { ConflictError, NotFoundError, ValidationError } from "../core/errors.js";
import { nextSlotAfter, validateTiming } from "../core/schedules/timing.js";
import { parseDuration } from "../core/schedules/duration.js";
import type { Clock } from "../ports/clock.js";
import type { EventBus } from "./event-bus.js";
import { announceChange, announceToggle } from "./schedule-events.js";
import { announceCancelled } from "./job-cancelled.js";
import { changedFields, mergePatch } from "./schedule-patch.js";
import type { FireInput, FireResult } from "./scheduler/fire-slot.js";
import type {
  CancelledPrefire,
  CatchupPolicy,
  OverlapPolicy,
  ScheduleDeclaration,
  ScheduleHistoryEntry,
  ScheduleStore,
  ScheduleTiming,
  StoredSchedule,
} from "../ports/schedule-store.js";

/** A schedule as the library shows it. */
export interface Schedule {
  readonly id: string;
  readonly name: string;
  readonly fn: string;
  readonly timing: ScheduleTiming;
  readonly payload: unknown;
  readonly enabled: boolean;
  readonly pauseNote: string | null;
  readonly overlap: OverlapPolicy;
  readonly bufferLimit: number;
  readonly catchup: CatchupPolicy;
  readonly catchupWindowMs: number;
  readonly jitterMs: number;
  readonly source: "config" | "api";
  /** The next slot that will fire (before jitter), or null when it never fires again. */
  readonly nextFireAt: Date | null;
  readonly lastFiredAt: Date | null;
  readonly lastStatus: string | null;
  readonly lastJobId: string | null;
  readonly runCount: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `schedules.create`: exactly one of cron, every, at. */
export interface ScheduleInput {
  readonly name: string;
  readonly fn: string;
  readonly cron?: string;
  /** IANA zone for cron (default UTC). */
  readonly timezone?: string;
  /** Interval: "30s", "5m", "1h" or ms. */
  readonly every?: string | number;
  /** One-shot instant. */
  readonly at?: Date | number | string;
  readonly payload?: unknown;
  readonly enabled?: boolean;
  readonly overlap?: OverlapPolicy;
  readonly bufferLimit?: number;
  readonly catchup?: CatchupPolicy;
  /** "1h" or ms (default 1 h). */
  readonly catchupWindow?: string | number;
  /** "10s" or ms (default 0). */
  readonly jitter?: string | number;
  /**
   * Accept a function this deployment does not know yet (its worker will start later); without
   * it, creating a schedule of an unknown function throws UnknownFunctionError.
   */
  readonly allowUnknown?: boolean;
}

/** The fields of an `api` schedule that `schedules.update` may change (omitted: unchanged). */
export type SchedulePatch = Partial<Omit<ScheduleInput, "name">>;

/** Options of `schedules.trigger`. */
export interface TriggerOptions {
  /** Accept a function the deployment does not know yet (else UnknownFunctionError). */
  readonly allowUnknown?: boolean;
}

/** What the schedules facade is handed. */
export interface SchedulesApiDeps {
  readonly store: ScheduleStore;
  readonly clock: Clock;
  readonly assertOpen: () => void;
  /** Schedules changed: wake the loop. */
  readonly changed: () => void;
  /** Where `schedule:paused`, `schedule:resumed` and `schedule:changed` go (absent: none). */
  readonly events?: Pick<EventBus, "emit">;
  /** Enqueue a manual run of a schedule now. */
  readonly trigger: (schedule: StoredSchedule, options: TriggerOptions) => Promise<{ id: string }>;
  /** Fire one slot of the named schedule (runtime/scheduler/fire-slot). */
  readonly fire: (name: string, input: FireInput) => Promise<FireResult>;
  /** Throws UnknownFunctionError for a function the deployment does not know. */
  readonly assertKnown: (fn: string) => Promise<void>;
  /** The engine's payload size limit (the function's own applies again at each fire). */
  readonly maxPayloadBytes?: number;
}

/** Build the `kairos.schedules` facade over a schedule store. */
export function createSchedulesApi(deps: SchedulesApiDeps) {
  const { store, clock } = deps;
  const must = async (name: string): Promise<StoredSchedule> => {
    deps.assertOpen();
    const found = await store.getSchedule(name);
    if (!found) throw new NotFoundError(`no schedule named "${name}"`);
    return found;
  };
  return {
    /** Every schedule, optionally filtered by source or function. */
    list: async (filter: { source?: "config" | "api"; fn?: string } = {}): Promise<Schedule[]> => {
      deps.assertOpen();
      return (await store.listSchedules(filter)).map(toSchedule);
    },
    /** The schedule with this name, or null. */
    get: async (name: string): Promise<Schedule | null> => {
      deps.assertOpen();
      const found = await store.getSchedule(name);
      return found ? toSchedule(found) : null;
    },
    /** Create a schedule with source `api` (never touched by `kairos apply`). */
    create: async (input: ScheduleInput): Promise<Schedule> => {
      deps.assertOpen();
      const now = clock.now();
      const declaration = toDeclaration(input, deps.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
      if (input.allowUnknown !== true) await deps.assertKnown(declaration.fn);
      if (await store.getSchedule(declaration.name)) {
        throw new ConflictError(
          `a schedule named "${declaration.name}" exists already: pick another name, or update it`,
        );
      }
      const next = nextSlotAfter(declaration.timing, now);
      await store.applyPlan(
        [
          {
            op: "create_schedule",
            schedule: declaration,
            initial: { nextSlotAt: next, nextDueAt: next },
          },
        ],
        now,
      );
      deps.changed();
      announceChange(deps, declaration.name, "created", now);
      return toSchedule(await must(input.name));
    },
    /** Delete a schedule and its history; its jobs stay. */
    delete: async (name: string): Promise<void> => {
      ownedByApi(await must(name), "delete");
      const now = clock.now();
      const { cancelled } = await store.applyPlan([{ op: "delete_schedule", name }], now);
      deps.changed();
      announcePrefires(deps, cancelled, now);
      announceChange(deps, name, "deleted", now);
    },
    /** Pause: no slot fires until resumed; recorded in history with the note. */
    pause: async (name: string, note?: string): Promise<Schedule> =>
      toSchedule(await setEnabled(deps, await must(name), false, note ?? null, must)),
    /**
     * Resume: firing restarts from the first slot after now; the slots of the pause are not
     * run (the `resumed` history entry says from when).
     */
    resume: async (name: string, note?: string): Promise<Schedule> =>
      toSchedule(await setEnabled(deps, await must(name), true, note ?? null, must)),
    /**
     * Change an `api` schedule (omitted fields keep their value); one from kairos.yaml is a
     * ConflictError. A timing change restarts firing from the first slot after now; `enabled`
     * pauses or resumes as `pause`/`resume` do.
     */
    update: async (name: string, patch: SchedulePatch): Promise<Schedule> => {
      await updateSchedule(deps, ownedByApi(await must(name), "update"), patch);
      return toSchedule(await must(name));
    },
    /** Run the schedule's function now with its payload, outside its slots. Returns the job id. */
    trigger: async (name: string, options: TriggerOptions = {}): Promise<{ id: string }> =>
      deps.trigger(await must(name), options),
    /**
     * Fire one slot as a Kubernetes CronJob does: the slot its Job name or `slotAt` means,
     * rounded down to the schedule's slot; one job per slot however often it is fired.
     */
    fire: async (name: string, input: FireInput): Promise<FireResult> => {
      deps.assertOpen();
      return deps.fire(name, input);
    },
    /** History of slots and fires, newest first. */
    history: async (name: string, limit = 100): Promise<ScheduleHistoryEntry[]> =>
      store.history((await must(name)).id, limit),
    /** The next `count` fire instants (before jitter) from `from` (default now). */
    nextFires: async (name: string, count = 5, from?: Date): Promise<Date[]> => {
      const schedule = await must(name);
      return nextFires(schedule.timing, count, from?.getTime() ?? clock.now());
    },
  };
}

/** The `kairos.schedules` facade type. */
export type SchedulesApi = ReturnType<typeof createSchedulesApi>;

/** The next `count` slots of a timing strictly after `afterMs`. */
export function nextFires(timing: ScheduleTiming, count: number, afterMs: number): Date[] {
  const out: Date[] = [];
  let t = afterMs;
  for (let i = 0; i < count; i++) {
    const next = nextSlotAfter(timing, t);
    if (next === null) break;
    out.push(new Date(next));
    t = next;
  }
  return out;
}

/** The declaration of an `api` schedule from API input; ValidationError for bad input. */
export function toDeclaration(input: ScheduleInput, maxPayloadBytes: number): ScheduleDeclaration {
  const where = `schedule "${String(input.name)}"`;
  if (typeof input.name !== "string" || !/^[A-Za-z0-9_.:-]{1,200}$/.test(input.name)) {
    throw new ValidationError(
      `${where}: name must be 1-200 of letters, digits, "_", ".", ":", "-"`,
    );
  }
  if (typeof input.fn !== "string" || input.fn.length === 0) {
    throw new ValidationError(`${where}: fn must name a function`);
  }
  const given = [input.cron, input.every, input.at].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new ValidationError(`${where}: give exactly one of cron, every, at (got ${given})`);
  }
  let timing: ScheduleTiming;
  if (input.cron !== undefined) {
    timing = { kind: "cron", cron: input.cron, timezone: input.timezone ?? "UTC" };
  } else if (input.every !== undefined) {
    timing = { kind: "every", everyMs: parseDuration(input.every) };
  } else {
    const at = input.at instanceof Date ? input.at.getTime() : new Date(input.at ?? NaN).getTime();
    timing = { kind: "at", at };
  }
  validateTiming(timing);
  return {
    name: input.name,
    fn: input.fn,
    timing,
    payloadJson: payloadJson(input.payload ?? {}, {
      path: "payload",
      maxBytes: maxPayloadBytes,
      context: `schedule "${input.name}"`,
    }),
    enabled: input.enabled ?? true,
    pauseNote: null,
    overlap: input.overlap ?? "skip",
    bufferLimit: input.bufferLimit ?? 10,
    catchup: input.catchup ?? "latest",
    catchupWindowMs:
      input.catchupWindow === undefined ? 3_600_000 : parseDuration(input.catchupWindow),
    jitterMs: input.jitter === undefined ? 0 : parseDuration(input.jitter),
    source: "api",
  };
}

/** Pause or resume (a resume fires from the first slot after now), announced. */
async function setEnabled(
  deps: SchedulesApiDeps,
  schedule: StoredSchedule,
  enabled: boolean,
  note: string | null,
  must: (name: string) => Promise<StoredSchedule>,
): Promise<StoredSchedule> {
  const now = deps.clock.now();
  const next = enabled ? nextSlotAfter(schedule.timing, now) : null;
  const cursor = enabled ? { nextSlotAt: next, nextDueAt: next } : undefined;
  const updated = await deps.store.setEnabled(schedule.name, enabled, note, now, cursor);
  deps.changed();
  announcePrefires(deps, updated?.cancelled ?? [], now);
  announceToggle(deps, schedule, enabled, note, now);
  return updated?.schedule ?? (await must(schedule.name));
}

/** Announce the pre-fired jobs a change cancelled, as any cancel of a pending job. */
function announcePrefires(
  deps: SchedulesApiDeps,
  cancelled: readonly CancelledPrefire[],
  now: number,
): void {
  if (deps.events && cancelled.length > 0) {
    announceCancelled(deps.events, cancelled, now);
  }
}

/** Apply a patch to an `api` schedule; see `schedules.update`. */
async function updateSchedule(
  deps: SchedulesApiDeps,
  current: StoredSchedule,
  patch: SchedulePatch,
): Promise<void> {
  const { store, clock } = deps;
  const name = current.name;
  const merged = mergePatch(current, patch);
  const declaration = toDeclaration(merged, deps.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  if (patch.fn !== undefined && patch.allowUnknown !== true) await deps.assertKnown(declaration.fn);
  const fields = changedFields(current, declaration);
  const now = clock.now();
  const next = nextSlotAfter(declaration.timing, now);
  const cursor = { nextSlotAt: next, nextDueAt: next };
  const cancelled: CancelledPrefire[] = [];
  if (Object.keys(fields).length > 0) {
    const applied = await store.applyPlan(
      [{ op: "update_schedule", name, fields, ...(fields.timing ? { cursor } : {}) }],
      now,
    );
    cancelled.push(...applied.cancelled);
  }
  if (patch.enabled !== undefined && patch.enabled !== current.enabled) {
    const toggled = await store.setEnabled(
      name,
      patch.enabled,
      null,
      now,
      patch.enabled ? cursor : undefined,
    );
    cancelled.push(...(toggled?.cancelled ?? []));
  }
  deps.changed();
  announcePrefires(deps, cancelled, now);
  announceChange(deps, name, "updated", now);
  if (patch.enabled !== undefined && patch.enabled !== current.enabled) {
    announceToggle(deps, current, patch.enabled, null, now);
  }
}

/** The schedule, when the API may change it; one from kairos.yaml is a ConflictError. */
function ownedByApi(schedule: StoredSchedule, verb: "update" | "delete"): StoredSchedule {
  if (schedule.source === "api") return schedule;
  throw new ConflictError(
    `schedule "${schedule.name}" comes from kairos.yaml and cannot be ${verb}d through the API: ` +
      (verb === "delete"
        ? "remove it from the file and run kairos apply --prune"
        : "change the file and run kairos apply"),
  );
}

/** Convert a stored schedule to the public shape. */
export function toSchedule(s: StoredSchedule): Schedule {
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    id: s.id,
    name: s.name,
    fn: s.fn,
    timing: s.timing,
    payload: JSON.parse(s.payloadJson) as unknown,
    enabled: s.enabled,
    pauseNote: s.pauseNote,
    overlap: s.overlap,
    bufferLimit: s.bufferLimit,
    catchup: s.catchup,
    catchupWindowMs: s.catchupWindowMs,
    jitterMs: s.jitterMs,
    source: s.source,
    nextFireAt: s.enabled ? date(s.nextSlotAt) : null,
    lastFiredAt: date(s.lastFiredAt),
    lastStatus: s.lastStatus,
    lastJobId: s.lastJobId,
    runCount: s.runCount,
    lastError: s.lastError,
    createdAt: new Date(s.createdAt),
    updatedAt: new Date(s.updatedAt),
  };
}
