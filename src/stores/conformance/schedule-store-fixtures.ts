/**
 * @module stores/conformance/schedule-store-fixtures
 * Shared helpers of the ScheduleStore conformance suite. Everything goes through the ports
 * only (ScheduleStore, and JobStore for the jobs a fire creates): no SQL, no adapter internals,
 * no clock — every instant is a `now` the test passes.
 */
import { expect } from "vitest";
import { scheduleSlotOrigin, slotOfKey } from "../../core/jobs/origin.js";
import type { JobOrigin, JobStore, NewJob, StoredJob } from "../../ports/job-store.js";
import type {
  FireSlotRequest,
  ScheduleDeclaration,
  ScheduleHistoryEntry,
  ScheduleRuntimeInit,
  ScheduleStore,
  StoredSchedule,
} from "../../ports/schedule-store.js";
import { LEASE_MS, T0 } from "./job-store-fixtures.js";

export { T0 };

/** One minute, the period of the suite's interval schedules. */
export const MINUTE = 60_000;

/** The stores the suite opens per test: both ports over one database. */
export interface OpenedStores {
  readonly jobs: JobStore;
  readonly schedules: ScheduleStore;
  close(): Promise<void>;
}

/** Gives each section of the suite the stores opened for the running test. */
export interface ScheduleSuiteContext {
  /** The schedule store of the running test. */
  schedules(): ScheduleStore;
  /** The job store of the running test (same database). */
  jobs(): JobStore;
  /** Close the running test's stores now; the suite's afterEach then leaves them alone. */
  close(): Promise<void>;
}

/** A declaration with neutral defaults: every minute, fn "report", enabled, overlap skip. */
export function declaration(overrides: Partial<ScheduleDeclaration> = {}): ScheduleDeclaration {
  return {
    name: "nightly",
    fn: "report",
    timing: { kind: "every", everyMs: MINUTE },
    payloadJson: '{"scope":"all"}',
    enabled: true,
    pauseNote: null,
    overlap: "skip",
    bufferLimit: 0,
    catchup: "skip",
    catchupWindowMs: 0,
    jitterMs: 0,
    source: "config",
    ...overrides,
  };
}

/** The cursor at `slotAt` (due at the slot, no jitter). */
export function cursorAt(slotAt: number | null): ScheduleRuntimeInit {
  return { nextSlotAt: slotAt, nextDueAt: slotAt };
}

/** Create one schedule (first slot at T0 + 1 min unless `initial` says otherwise) and return it. */
export async function createSchedule(
  store: ScheduleStore,
  overrides: Partial<ScheduleDeclaration> = {},
  initial: ScheduleRuntimeInit = cursorAt(T0 + MINUTE),
  now = T0,
): Promise<StoredSchedule> {
  const decl = declaration(overrides);
  await store.applyPlan([{ op: "create_schedule", schedule: decl, initial }], now);
  return mustGetSchedule(store, decl.name);
}

/** The stored schedule, failing the test when it is missing. */
export async function mustGetSchedule(store: ScheduleStore, name: string): Promise<StoredSchedule> {
  const schedule = await store.getSchedule(name);
  expect(schedule, `schedule "${name}" should exist`).not.toBeNull();
  return schedule!;
}

/** The job a fire of `slotAt` creates: fn and payload of the schedule, due at the slot. */
export function slotJob(
  schedule: StoredSchedule,
  slotAt: number,
  overrides: Partial<NewJob> = {},
): NewJob & { origin: JobOrigin } {
  return {
    fn: schedule.fn,
    payloadJson: schedule.payloadJson,
    priority: 0,
    runAt: slotAt,
    maxAttempts: 1,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed", delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
    ...overrides,
    origin: scheduleSlotOrigin(schedule.id, slotAt),
  };
}

/** The slot of a job a schedule fired (its origin key as an instant), else null. */
export function slotOf(job: StoredJob): number | null {
  return job.origin.kind === "schedule" ? slotOfKey(job.origin.key) : null;
}

/**
 * A request that fires the slot at the schedule's cursor with a job and moves the cursor one
 * period on (history: one `fired` entry), at `now` = the slot.
 */
export function fireRequest(
  schedule: StoredSchedule,
  overrides: Partial<FireSlotRequest> = {},
): FireSlotRequest {
  const slotAt = overrides.slotAt ?? schedule.nextSlotAt!;
  const now = overrides.now ?? slotAt;
  return {
    scheduleId: schedule.id,
    expectedNextSlotAt: schedule.nextSlotAt!,
    slotAt,
    job: slotJob(schedule, slotAt),
    next: cursorAt(slotAt + MINUTE),
    history: [{ slotAt, at: now, kind: "fired", reason: null, message: null }],
    status: "fired",
    now,
    ...overrides,
  };
}

/** Fire the schedule's current slot (see `fireRequest`) and return the created job. */
export async function fireNext(
  store: ScheduleStore,
  name: string,
  overrides: Partial<FireSlotRequest> = {},
): Promise<StoredJob> {
  const schedule = await mustGetSchedule(store, name);
  const outcome = await store.fireSlot(fireRequest(schedule, overrides));
  expect(outcome.kind).toBe("applied");
  if (outcome.kind !== "applied" || outcome.job === null) {
    throw new Error(`expected a job from firing "${name}", got ${JSON.stringify(outcome)}`);
  }
  return outcome.job;
}

/** Every job (any state) that belongs to the schedule, oldest first. */
export async function jobsOfSchedule(jobs: JobStore, scheduleId: string): Promise<StoredJob[]> {
  const all = await jobs.list({ limit: 10_000 });
  return all
    .filter((job) => job.origin.kind === "schedule" && job.origin.id === scheduleId)
    .reverse();
}

/** Claim one job of `fn` and return it. */
export async function claimJob(jobs: JobStore, fn: string, now: number): Promise<StoredJob> {
  const claimed = await jobs.claim({ workerId: "w1", fns: [fn], limit: 1, now, leaseMs: LEASE_MS });
  expect(claimed).toHaveLength(1);
  return claimed[0]!;
}

/** Kinds of history entries, newest first. */
export function kinds(entries: readonly ScheduleHistoryEntry[]): string[] {
  return entries.map((entry) => entry.kind);
}

/** Everything the store holds, through the port (for "nothing changed" checks). */
export async function snapshot(store: ScheduleStore) {
  const schedules = await store.listSchedules();
  return {
    schedules,
    functions: await store.listFunctions(),
    history: await Promise.all(schedules.map((s) => store.history(s.id))),
  };
}
