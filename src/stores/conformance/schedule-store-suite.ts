/**
 * @module stores/conformance/schedule-store-suite
 * The one contract suite every ScheduleStore adapter runs, together with the JobStore of the
 * same database (a fire creates a job; a job's completion is recorded on its schedule). It uses
 * the ports only — no SQL, no adapter internals, no sleeping: time is the `now` passed to each
 * call. Each rule of `ports/schedule-store.ts` has at least one test here; an adapter that
 * cannot meet a rule must fail, not skip.
 *
 * Usage, from an adapter's test file:
 *
 *   defineScheduleStoreConformance("sqlite memory", () => openSqliteStores({ path: ":memory:" }));
 *
 * `open` is called once per test and must return isolated, empty stores over one database. The
 * suite calls `migrate()` on both before the test and `close()` after it.
 *
 * Assumptions the suite makes beyond the letter of the port, all implied by it:
 * - Ids are opaque strings; a string that names no schedule (e.g. "no-such-schedule") is
 *   treated like a missing one: `getScheduleById` null, `fireSlot` stale, `activeJobs` and
 *   `history` empty, `recordError` a no-op — never an error.
 * - `fireSlot` validates its request before writing: a `next.nextSlotAt` before the expected
 *   cursor ("only forward") and a job whose (scheduleId, slotAt) is not the request's are
 *   ValidationErrors, and nothing is written.
 * - A successful fire (a job created) clears `lastError`; a job-less call keeps it.
 *   `lastFiredAt`, `lastJobId` and `runCount` change only when a job is created. A
 *   `duplicate_slot` outcome advances the cursor, appends the history (with the existing job's
 *   id on `fired`/`caught_up` entries) and leaves the last status, job and run count alone.
 * - `recordError` also sets `lastStatus` to `error`.
 * - `setEnabled` records every call (`paused`/`resumed`, the note as message); resuming clears
 *   `pauseNote`.
 * - History is ordered by recording, newest first; a schedule name can be reused after delete,
 *   by a new schedule with a new id and an empty history.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ShuttingDownError } from "../../core/errors.js";
import type { JobStore } from "../../ports/job-store.js";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import { defineApplySourceTests } from "./schedule-store-apply-source.js";
import { defineCompletionTests } from "./schedule-store-completion.js";
import { defineFireTests } from "./schedule-store-fire.js";
import { defineFireGuardTests } from "./schedule-store-fire-guards.js";
import { defineFunctionRegistryTests } from "./schedule-store-function-registry.js";
import {
  T0,
  createSchedule,
  cursorAt,
  declaration,
  fireRequest,
  type OpenedStores,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";
import { defineHistoryTests } from "./schedule-store-history.js";
import { defineInstanceTests } from "./schedule-store-instances.js";
import { definePlanTests } from "./schedule-store-plan.js";
import { definePlanFunctionTests } from "./schedule-store-plan-functions.js";
import { definePrefireTests } from "./schedule-store-prefire.js";
import { defineQueryTests } from "./schedule-store-queries.js";
import { defineRetentionTests } from "./schedule-store-retention.js";

/** Declare the ScheduleStore conformance tests for one adapter. */
export function defineScheduleStoreConformance(
  adapterName: string,
  open: () => Promise<OpenedStores>,
): void {
  describe(`ScheduleStore conformance: ${adapterName}`, () => {
    let current: OpenedStores | null = null;
    let closed = false;

    const opened = (): OpenedStores => {
      if (current === null) throw new Error("no store is open: call ctx.schedules() inside a test");
      return current;
    };
    const ctx: ScheduleSuiteContext = {
      schedules: () => opened().schedules,
      jobs: () => opened().jobs,
      async close() {
        if (current !== null && !closed) {
          closed = true;
          await current.close();
        }
      },
    };

    beforeEach(async () => {
      closed = false;
      current = await open();
      await current.jobs.migrate();
      await current.schedules.migrate();
    });

    afterEach(async () => {
      await ctx.close();
      current = null;
    });

    definePlanTests(ctx);
    definePlanFunctionTests(ctx);
    defineApplySourceTests(ctx);
    defineFireTests(ctx);
    defineFireGuardTests(ctx);
    defineQueryTests(ctx);
    definePrefireTests(ctx);
    defineCompletionTests(ctx);
    defineHistoryTests(ctx);
    defineRetentionTests(ctx);
    defineFunctionRegistryTests(ctx);
    defineInstanceTests(ctx);
    defineLifecycleTests(ctx);
  });
}

function defineLifecycleTests(ctx: ScheduleSuiteContext): void {
  describe("lifecycle", () => {
    it("migrates idempotently, keeping the data", async () => {
      const store = ctx.schedules();
      const schedule = await createSchedule(store, { name: "s" });
      await store.migrate();
      await ctx.jobs().migrate();
      expect(await store.getSchedule("s")).toEqual(schedule);
    });

    it("throws ShuttingDownError from every method of both stores after close", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      await ctx.close();

      // fireSlots is optional; when present it is covered below.
      const scheduleCalls: Record<
        Exclude<keyof ScheduleStore, "fireSlots" | "functionRegistry" | "instances">,
        () => Promise<unknown>
      > = {
        migrate: () => schedules.migrate(),
        listSchedules: () => schedules.listSchedules(),
        getSchedule: () => schedules.getSchedule("s"),
        getScheduleById: () => schedules.getScheduleById(schedule.id),
        listFunctions: () => schedules.listFunctions(),
        getFunction: () => schedules.getFunction("f"),
        applyPlan: () =>
          schedules.applyPlan(
            [
              {
                op: "create_schedule",
                schedule: declaration({ name: "t" }),
                initial: cursorAt(T0),
              },
            ],
            T0,
          ),
        setEnabled: () => schedules.setEnabled("s", false, null, T0),
        dueSchedules: () => schedules.dueSchedules(T0, 10),
        nextDueAt: () => schedules.nextDueAt(),
        schedulesWithBufferedSlots: () => schedules.schedulesWithBufferedSlots(10),
        fireSlot: () => schedules.fireSlot(fireRequest(schedule)),
        activeJobs: () => schedules.activeJobs(schedule.id),
        recordError: () => schedules.recordError(schedule.id, "x", T0),
        history: () => schedules.history(schedule.id),
        deleteScheduleHistory: () =>
          schedules.deleteScheduleHistory({ recordedBefore: T0, keepLatest: 0, limit: 10 }),
      };
      const partCalls: Record<string, () => Promise<unknown>> = {
        "instances.list": () =>
          schedules.instances?.list() ?? Promise.reject(new ShuttingDownError()),
      };
      const jobCalls: Partial<Record<keyof JobStore, () => Promise<unknown>>> = {
        migrate: () => jobs.migrate(),
        enqueue: () => jobs.enqueue([], T0),
        claim: () => jobs.claim({ workerId: "w", fns: ["report"], limit: 1, now: T0, leaseMs: 1 }),
        get: () => jobs.get("1"),
        list: () => jobs.list({}),
        cancel: () => jobs.cancel("1", T0),
        deleteFinishedJobs: () => jobs.deleteFinishedJobs({ finishedBefore: T0, limit: 10 }),
      };
      for (const [name, call] of [
        ...Object.entries(scheduleCalls),
        ...Object.entries(partCalls),
        ...Object.entries(jobCalls),
      ]) {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, `${name} after close`).toBeInstanceOf(ShuttingDownError);
      }
    });
  });
}
