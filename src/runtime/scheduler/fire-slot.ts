/**
 * @module runtime/scheduler/fire-slot
 * `kairos.schedules.fire`: fire one slot of a schedule from outside, as a Kubernetes CronJob's
 * trigger container does (`POST /schedules/{name}/fire`). The core decides the slot and the
 * writes (`core/schedules/plan-fire`); the writes go through the scheduler's own SlotWriter, so
 * the store's slot guard, the overlap policy, history and `schedule:*` events are the loop's.
 *
 * Invariants:
 * - A slot creates at most one job, however many times and however concurrently it is fired:
 *   the write is a compare-and-set on the schedule's cursor and the job has the slot's origin
 *   (unique per schedule and slot, on every store). A write that lost the race (`stale`) is
 *   planned again from the schedule as it is now, where the slot is then found handled.
 * - A slot handled already (before the cursor) is answered from the history: `existing` with
 *   its job, or what was recorded (skipped, buffered, missed).
 * - A paused schedule refuses (ConflictError); an unknown one is a NotFoundError.
 */
import { ConflictError, NotFoundError } from "../../core/errors.js";
import {
  outcomeOfStatus,
  planFire,
  recordedOutcome,
  resolveFireSlot,
  type FireDecision,
  type FireOutcome,
} from "../../core/schedules/plan-fire.js";
import type { FireStatus } from "../../core/schedules/reasons.js";
import type { KairosEventMap, KairosEventName } from "../../ports/events.js";
import type { NewJob, StoredJob } from "../../ports/job-store.js";
import type {
  FireSlotOutcome,
  FireSlotRequest,
  ScheduleStore,
  StoredSchedule,
} from "../../ports/schedule-store.js";
import { SlotWriter } from "./slot-writer.js";

export type { FireOutcome } from "../../core/schedules/plan-fire.js";

/** Which slot to fire: the Job the CronJob controller created, or the slot's instant. */
export type FireInput = { readonly jobName: string } | { readonly slotAt: Date };

/** What a fire did (`fired`: this call created `jobId`; `existing`: the slot had it already). */
export interface FireResult {
  /** The schedule's slot the call meant (rounded down to the schedule's own slot). */
  readonly slotAt: Date;
  readonly outcome: FireOutcome;
  /** The slot's job, or null when the slot has none (skipped, buffered, missed). */
  readonly jobId: string | null;
}

/** What a fire needs: the schedule store and the scheduler's hooks (as the loop has them). */
export interface FireSlotDeps {
  readonly store: Pick<
    ScheduleStore,
    "getSchedule" | "fireSlot" | "activeJobs" | "history" | "recordError"
  >;
  readonly now: () => number;
  readonly buildJob: (schedule: StoredSchedule, slotAt: number, now: number) => Promise<NewJob>;
  readonly cancelJob: (jobId: string) => Promise<void>;
  readonly jobCreated: (job: StoredJob) => void;
  readonly emit: <E extends KairosEventName>(name: E, event: KairosEventMap[E]) => void;
  readonly logError: (error: unknown, message: string, schedule: string) => void;
}

/** Attempts before giving up on a cursor that keeps moving under us (other writers). */
const MAX_ATTEMPTS = 5;
/** History entries searched for a slot handled already. */
const HISTORY_SEARCHED = 1_000;

/** Fire the slot `input` means of schedule `name`; see the module header. */
export async function fireScheduleSlot(
  deps: FireSlotDeps,
  name: string,
  input: FireInput,
): Promise<FireResult> {
  const now = deps.now();
  let schedule = await mustBeEnabled(deps, name);
  const target =
    "jobName" in input ? { jobName: input.jobName } : { slotAt: input.slotAt.getTime() };
  const slotAt = resolveFireSlot(schedule, target, now);
  for (let attempt = 1; ; attempt++) {
    const decision = await fireOnce(deps, schedule, slotAt, now);
    if (decision) return { slotAt: new Date(slotAt), ...decision };
    if (attempt === MAX_ATTEMPTS) {
      throw new ConflictError(
        `schedule "${name}" kept changing while slot ${new Date(slotAt).toISOString()} was ` +
          `fired (${MAX_ATTEMPTS} attempts): fire it again`,
      );
    }
    schedule = await mustBeEnabled(deps, name);
  }
}

/** One attempt: the answer, or null when the cursor moved under the write (plan again). */
async function fireOnce(
  deps: FireSlotDeps,
  schedule: StoredSchedule,
  slotAt: number,
  now: number,
): Promise<FireDecision | null> {
  if (schedule.nextSlotAt === null || slotAt < schedule.nextSlotAt) {
    return recordedOutcome(await deps.store.history(schedule.id, HISTORY_SEARCHED), slotAt);
  }
  const active = schedule.overlap === "allow_all" ? [] : await deps.store.activeJobs(schedule.id);
  const { writes } = planFire(
    schedule,
    slotAt,
    active.map((j) => j.id),
    now,
  );
  const seen = new Map<number, { request: FireSlotRequest; outcome: FireSlotOutcome }>();
  let failure: unknown = null;
  const writer = new SlotWriter({
    fireSlot: async (request) => {
      const outcome = await deps.store.fireSlot(request);
      seen.set(request.slotAt, { request, outcome });
      return outcome;
    },
    recordError: (id, message, at) => deps.store.recordError(id, message, at),
    buildJob: deps.buildJob,
    cancelJob: deps.cancelJob,
    jobCreated: deps.jobCreated,
    emit: deps.emit,
    logError: (error, message, scheduleName) => {
      failure ??= error;
      deps.logError(error, message, scheduleName);
    },
  });
  const jobBySlot = new Map<number, string>();
  for (const write of writes) {
    const result = await writer.writeNow(schedule, write, now, (s) => jobBySlot.get(s));
    if (result.failed) {
      throw failure instanceof Error ? failure : new Error(`firing slot ${slotAt} failed`);
    }
    if (result.jobId !== null) jobBySlot.set(write.slotAt, result.jobId);
  }
  const mine = seen.get(slotAt);
  if (!mine) return { outcome: "missed", jobId: null }; // nothing planned for the slot
  switch (mine.outcome.kind) {
    case "stale":
      return null;
    case "duplicate_slot":
      return { outcome: "existing", jobId: mine.outcome.existingJobId };
    case "applied":
      return outcomeOfStatus(mine.request.status as FireStatus, mine.outcome.job?.id ?? null);
    default: {
      const never: never = mine.outcome;
      throw new Error(`unreachable fire outcome ${JSON.stringify(never)}`);
    }
  }
}

/** The schedule named `name`: NotFoundError when unknown, ConflictError when paused. */
async function mustBeEnabled(deps: FireSlotDeps, name: string): Promise<StoredSchedule> {
  const schedule = await deps.store.getSchedule(name);
  if (!schedule) throw new NotFoundError(`no schedule named "${name}"`);
  if (!schedule.enabled) {
    throw new ConflictError(
      `schedule "${name}" is paused, so its slots do not fire: resume it ` +
        `(kairos schedules resume ${name}), or suspend its CronJob while it is paused`,
    );
  }
  return schedule;
}
