/**
 * @module stores/conformance/schedule-store-fire
 * Conformance of `ScheduleStore.fireSlot`: the job, the cursor, the history and the runtime
 * state change together or not at all; the cursor moves only from the value the caller read
 * (compare-and-set) and only forward; a slot has at most one job, ever.
 */
import { describe, expect, it } from "vitest";
import { QueueFullError, ValidationError } from "../../core/errors.js";
import { API_ORIGIN } from "../../core/jobs/origin.js";
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
const SLOT3 = T0 + 3 * MINUTE;

export function defineFireTests(ctx: ScheduleSuiteContext): void {
  describe("fireSlot", () => {
    it("creates the job with the slot's origin, advances the cursor and records the fire", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      const outcome = await schedules.fireSlot(
        fireRequest(schedule, {
          next: { nextSlotAt: SLOT2, nextDueAt: SLOT2 + 7 },
          history: [{ slotAt: SLOT1, at: SLOT1 + 5, kind: "fired", reason: null, message: null }],
          now: SLOT1 + 5,
        }),
      );
      expect(outcome.kind).toBe("applied");
      if (outcome.kind !== "applied") return;
      const job = outcome.job!;
      expect(job).toMatchObject({
        fn: "report",
        payloadJson: schedule.payloadJson,
        state: "queued",
        runAt: SLOT1,
        origin: { kind: "schedule", id: schedule.id, key: String(SLOT1) },
        createdAt: SLOT1 + 5,
      });
      expect(await jobs.get(job.id)).toEqual(job);

      expect(await mustGetSchedule(schedules, "s")).toEqual({
        ...schedule,
        nextSlotAt: SLOT2,
        nextDueAt: SLOT2 + 7,
        lastSlotAt: SLOT1,
        lastFiredAt: SLOT1 + 5,
        lastStatus: "fired",
        lastJobId: job.id,
        runCount: 1,
        updatedAt: SLOT1 + 5,
      });
      expect(await schedules.history(schedule.id)).toEqual([
        {
          scheduleId: schedule.id,
          slotAt: SLOT1,
          at: SLOT1 + 5,
          kind: "fired",
          reason: null,
          jobId: job.id,
          message: null,
        },
      ]);
    });

    it("stores a job due later as scheduled", async () => {
      const schedules = ctx.schedules();
      const schedule = await createSchedule(schedules, { name: "s" });
      const job = await fireNext(schedules, "s", {
        job: slotJob(schedule, SLOT1, { runAt: SLOT1 + 30_000 }),
        now: SLOT1,
      });
      expect(job.state).toBe("scheduled");
      expect(job.runAt).toBe(SLOT1 + 30_000);
    });

    it("puts the job id on fired and caught_up entries only, and appends entries in order", async () => {
      const schedules = ctx.schedules();
      const schedule = await createSchedule(schedules, { name: "s", catchup: "latest" });
      const job = await fireNext(schedules, "s", {
        slotAt: SLOT3,
        job: slotJob(schedule, SLOT3),
        next: cursorAt(T0 + 4 * MINUTE),
        history: [
          { slotAt: SLOT1, at: SLOT3, kind: "missed", reason: "catchup_skip", message: null },
          { slotAt: SLOT2, at: SLOT3, kind: "missed", reason: "catchup_skip", message: null },
          { slotAt: null, at: SLOT3, kind: "warning", reason: "catchup_cap", message: "capped" },
          { slotAt: SLOT3, at: SLOT3, kind: "caught_up", reason: null, message: null },
        ],
        status: "fired",
        now: SLOT3,
      });
      const history = await schedules.history(schedule.id);
      expect(kinds(history)).toEqual(["caught_up", "warning", "missed", "missed"]);
      expect(history.map((e) => e.jobId)).toEqual([job.id, null, null, null]);
      expect(history.map((e) => e.slotAt)).toEqual([SLOT3, null, SLOT2, SLOT1]);
      expect(history[1]?.message).toBe("capped");
      expect(history[2]?.reason).toBe("catchup_skip");
      expect((await mustGetSchedule(schedules, "s")).lastSlotAt).toBe(SLOT3);
    });

    it("chains fires slot after slot, counting runs", async () => {
      const schedules = ctx.schedules();
      await createSchedule(schedules, { name: "s", overlap: "allow_all" });
      const first = await fireNext(schedules, "s");
      const second = await fireNext(schedules, "s");
      const third = await fireNext(schedules, "s");
      expect([first, second, third].map(slotOf)).toEqual([SLOT1, SLOT2, SLOT3]);
      expect(await mustGetSchedule(schedules, "s")).toMatchObject({
        nextSlotAt: T0 + 4 * MINUTE,
        lastSlotAt: SLOT3,
        lastJobId: third.id,
        runCount: 3,
      });
    });

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

    it("handles a slot without a job (skipped, missed, buffered): history, status, cursor", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      const outcome = await schedules.fireSlot(
        fireRequest(schedule, {
          job: null,
          history: [
            { slotAt: SLOT1, at: SLOT1, kind: "skipped", reason: "overlap", message: null },
          ],
          status: "skipped",
        }),
      );
      expect(outcome).toEqual({ kind: "applied", job: null });
      expect(await jobs.list({})).toEqual([]);
      expect(await mustGetSchedule(schedules, "s")).toEqual({
        ...schedule,
        nextSlotAt: SLOT2,
        nextDueAt: SLOT2,
        lastSlotAt: SLOT1,
        lastStatus: "skipped",
        updatedAt: SLOT1,
      });
      const [entry] = await schedules.history(schedule.id);
      expect(entry).toMatchObject({
        kind: "skipped",
        reason: "overlap",
        jobId: null,
        slotAt: SLOT1,
      });

      // A job-less call after a fire keeps the last job and the run count.
      const job = await fireNext(schedules, "s");
      await schedules.fireSlot(
        fireRequest(await mustGetSchedule(schedules, "s"), {
          job: null,
          history: [
            { slotAt: SLOT3, at: SLOT3, kind: "missed", reason: "catchup_skip", message: null },
          ],
          status: "missed",
        }),
      );
      expect(await mustGetSchedule(schedules, "s")).toMatchObject({
        lastJobId: job.id,
        lastFiredAt: SLOT2,
        runCount: 1,
        lastStatus: "missed",
        lastSlotAt: SLOT3,
        nextSlotAt: T0 + 4 * MINUTE,
      });
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

    it("replaces the buffered slots when given and keeps them when omitted", async () => {
      const schedules = ctx.schedules();
      const schedule = await createSchedule(schedules, {
        name: "s",
        overlap: "buffer_all",
        bufferLimit: 3,
      });
      await schedules.fireSlot(
        fireRequest(schedule, {
          job: null,
          history: [
            { slotAt: SLOT1, at: SLOT1, kind: "buffered", reason: "overlap", message: null },
          ],
          bufferedSlots: [SLOT1],
          status: "buffered",
        }),
      );
      expect((await mustGetSchedule(schedules, "s")).bufferedSlots).toEqual([SLOT1]);

      await schedules.fireSlot(
        fireRequest(await mustGetSchedule(schedules, "s"), {
          job: null,
          history: [],
          bufferedSlots: [SLOT1, SLOT2],
          status: "buffered",
        }),
      );
      expect((await mustGetSchedule(schedules, "s")).bufferedSlots).toEqual([SLOT1, SLOT2]);

      await schedules.fireSlot(
        fireRequest(await mustGetSchedule(schedules, "s"), {
          job: null,
          history: [],
          status: "skipped",
        }),
      );
      expect((await mustGetSchedule(schedules, "s")).bufferedSlots).toEqual([SLOT1, SLOT2]);

      // Firing the oldest buffered slot: the cursor stays where it is, the buffer shrinks.
      const current = await mustGetSchedule(schedules, "s");
      const job = await fireNext(schedules, "s", {
        slotAt: SLOT1,
        job: slotJob(current, SLOT1),
        next: cursorAt(current.nextSlotAt),
        history: [
          {
            slotAt: SLOT1,
            at: T0 + 5 * MINUTE,
            kind: "fired",
            reason: "from_buffer",
            message: null,
          },
        ],
        bufferedSlots: [SLOT2],
        now: T0 + 5 * MINUTE,
      });
      expect(slotOf(job)).toBe(SLOT1);
      expect(await mustGetSchedule(schedules, "s")).toMatchObject({
        bufferedSlots: [SLOT2],
        nextSlotAt: current.nextSlotAt,
        lastJobId: job.id,
        runCount: 1,
      });
    });

    it("clears lastError when it creates a job, and keeps it otherwise", async () => {
      const schedules = ctx.schedules();
      const schedule = await createSchedule(schedules, { name: "s" });
      await schedules.recordError(schedule.id, "boom", T0 + 1);
      await schedules.fireSlot(
        fireRequest(await mustGetSchedule(schedules, "s"), {
          job: null,
          history: [],
          status: "error",
        }),
      );
      expect((await mustGetSchedule(schedules, "s")).lastError).toBe("boom");
      await fireNext(schedules, "s");
      expect((await mustGetSchedule(schedules, "s")).lastError).toBeNull();
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
