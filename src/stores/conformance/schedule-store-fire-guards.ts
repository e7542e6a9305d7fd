/**
 * @module stores/conformance/schedule-store-fire-guards
 * Conformance of `ScheduleStore.fireSlot`, its guards: the job, the cursor, the history and the
 * runtime state change together or not at all (a QueueFullError or a ValidationError writes
 * nothing; in `fireSlots` a failing request fails alone); the cursor moves only from the value
 * the caller read (compare-and-set) and only forward; a slot has at most one job, ever.
 */
import { describe, expect, it } from "vitest";
import { API_ORIGIN } from "../../core/jobs/origin.js";
import { QueueFullError, ValidationError } from "../../core/errors.js";
import { expectKairosError } from "./job-store-fixtures.js";
import {
  MINUTE,
  T0,
  createSchedule,
  cursorAt,
  fireNext,
  fireRequest,
  jobsOfSchedule,
  kinds,
  mustGetSchedule,
  type ScheduleSuiteContext,
  slotJob,
  slotOf,
} from "./schedule-store-fixtures.js";

const SLOT1 = T0 + MINUTE;
const SLOT2 = T0 + 2 * MINUTE;

export function defineFireGuardTests(ctx: ScheduleSuiteContext): void {
  describe("fireSlot: guards", () => {
    it("returns stale and writes nothing when the cursor is not the one the caller read", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      const request = fireRequest(schedule);

      expect(await schedules.fireSlot({ ...request, expectedNextSlotAt: SLOT1 - 1 })).toEqual({
        kind: "stale",
      });
      expect(await mustGetSchedule(schedules, "s")).toEqual(schedule);
      expect(await schedules.history(schedule.id)).toEqual([]);
      expect(await jobs.list({})).toEqual([]);

      // The same request twice: the second one read a cursor that has moved on.
      expect((await schedules.fireSlot(request)).kind).toBe("applied");
      const afterFirst = await mustGetSchedule(schedules, "s");
      const historyAfterFirst = await schedules.history(schedule.id);
      expect(await schedules.fireSlot(request)).toEqual({ kind: "stale" });
      expect(await mustGetSchedule(schedules, "s")).toEqual(afterFirst);
      expect(await schedules.history(schedule.id)).toEqual(historyAfterFirst);
      expect(await jobs.list({})).toHaveLength(1);
    });

    it("returns stale for a schedule that is gone or never fires again", async () => {
      const schedules = ctx.schedules();
      const schedule = await createSchedule(schedules, { name: "s" });
      await schedules.applyPlan([{ op: "delete_schedule", name: "s" }], T0);
      expect(await schedules.fireSlot(fireRequest(schedule))).toEqual({ kind: "stale" });
      const unknown = { ...schedule, id: "no-such-schedule" };
      expect(await schedules.fireSlot(fireRequest(unknown))).toEqual({ kind: "stale" });

      const done = await createSchedule(schedules, { name: "done" }, cursorAt(null));
      expect(
        await schedules.fireSlot(
          fireRequest({ ...done, nextSlotAt: SLOT1 }, { expectedNextSlotAt: SLOT1 }),
        ),
      ).toEqual({ kind: "stale" });
      expect(await ctx.jobs().list({})).toEqual([]);
    });

    it("fires a slot once: the same slot again gives duplicate_slot, one job, cursor advanced", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      await createSchedule(schedules, { name: "s" });
      const job = await fireNext(schedules, "s", { next: cursorAt(SLOT2) });
      // Someone puts the cursor back on the slot just fired (a re-timing, a restored backup).
      await schedules.applyPlan(
        [{ op: "update_schedule", name: "s", fields: {}, cursor: cursorAt(SLOT1) }],
        SLOT1 + 1,
      );
      const reset = await mustGetSchedule(schedules, "s");

      const outcome = await schedules.fireSlot(
        fireRequest(reset, { next: cursorAt(SLOT2), now: SLOT1 + 2 }),
      );
      expect(outcome).toEqual({ kind: "duplicate_slot", existingJobId: job.id });

      const all = await jobsOfSchedule(jobs, reset.id);
      expect(all.map((j) => [j.id, slotOf(j)])).toEqual([[job.id, SLOT1]]);
      const after = await mustGetSchedule(schedules, "s");
      expect(after).toMatchObject({
        nextSlotAt: SLOT2,
        nextDueAt: SLOT2,
        lastJobId: job.id,
        lastStatus: "fired",
        runCount: 1,
        lastFiredAt: SLOT1,
      });
      const history = await schedules.history(reset.id);
      expect(kinds(history)).toEqual(["fired", "fired"]);
      expect(history.map((e) => e.jobId)).toEqual([job.id, job.id]);
    });

    it("propagates QueueFullError and writes nothing", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      await jobs.enqueue([{ ...slotJob(schedule, 0), origin: API_ORIGIN }], T0);
      const before = await jobs.list({});

      await expectKairosError(
        schedules.fireSlot(
          fireRequest(schedule, { job: slotJob(schedule, SLOT1, { maxPending: 1 }) }),
        ),
        QueueFullError,
        "QUEUE_FULL",
      );
      expect(await mustGetSchedule(schedules, "s")).toEqual(schedule);
      expect(await schedules.history(schedule.id)).toEqual([]);
      expect(await jobs.list({})).toEqual(before);

      // With room in the queue the same request applies.
      const outcome = await schedules.fireSlot(
        fireRequest(schedule, { job: slotJob(schedule, SLOT1, { maxPending: 2 }) }),
      );
      expect(outcome.kind).toBe("applied");
    });

    it("fireSlots (when the adapter has it): each request applies on its own, a failing one alone", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      if (!schedules.fireSlots) return; // optional batch form
      const a = await createSchedule(schedules, { name: "a" });
      const b = await createSchedule(schedules, { name: "b" });
      const c = await createSchedule(schedules, { name: "c" });
      await jobs.enqueue([{ ...slotJob(c, 0), origin: API_ORIGIN }], T0);
      const outcomes = await schedules.fireSlots([
        fireRequest(a),
        fireRequest(b, { expectedNextSlotAt: T0 }), // stale cursor
        fireRequest(c, { job: slotJob(c, SLOT1, { maxPending: 1 }) }), // queue full
        fireRequest(a), // same slot again: the cursor already moved
      ]);
      expect(outcomes.map((o) => o.kind)).toEqual(["applied", "stale", "failed", "stale"]);
      const failed = outcomes[2];
      expect(failed?.kind === "failed" && failed.error).toBeInstanceOf(QueueFullError);
      expect((await jobsOfSchedule(jobs, a.id)).length).toBe(1);
      expect((await mustGetSchedule(schedules, "a")).nextSlotAt).toBe(SLOT2);
      expect(await mustGetSchedule(schedules, "b")).toEqual(b);
      expect(await mustGetSchedule(schedules, "c")).toEqual(c);
      expect(await schedules.history(c.id)).toEqual([]);
    });

    it("moves the cursor only forward: an earlier next slot is a ValidationError, nothing written", async () => {
      const schedules = ctx.schedules();
      const schedule = await createSchedule(schedules, { name: "s" });
      await expectKairosError(
        schedules.fireSlot(fireRequest(schedule, { next: cursorAt(SLOT1 - 1) })),
        ValidationError,
        "VALIDATION",
      );
      expect(await mustGetSchedule(schedules, "s")).toEqual(schedule);
      expect(await ctx.jobs().list({})).toEqual([]);

      // Staying on the same slot (firing a buffered slot) and ending (null) are allowed.
      const stay = await schedules.fireSlot(
        fireRequest(schedule, {
          job: null,
          history: [],
          next: cursorAt(SLOT1),
          status: "buffered",
        }),
      );
      expect(stay.kind).toBe("applied");
      const end = await schedules.fireSlot(
        fireRequest(schedule, { job: null, history: [], next: cursorAt(null), status: "missed" }),
      );
      expect(end.kind).toBe("applied");
      expect((await mustGetSchedule(schedules, "s")).nextSlotAt).toBeNull();
    });

    it("refuses a job that does not carry the request's schedule and slot", async () => {
      const schedules = ctx.schedules();
      const schedule = await createSchedule(schedules, { name: "s" });
      const other = await createSchedule(schedules, { name: "other" });
      await expectKairosError(
        schedules.fireSlot(fireRequest(schedule, { job: slotJob(schedule, SLOT2) })),
        ValidationError,
        "VALIDATION",
      );
      await expectKairosError(
        schedules.fireSlot(fireRequest(schedule, { job: slotJob(other, SLOT1) })),
        ValidationError,
        "VALIDATION",
      );
      expect(await ctx.jobs().list({})).toEqual([]);
      expect(await mustGetSchedule(schedules, "s")).toEqual(schedule);
    });
  });
}
