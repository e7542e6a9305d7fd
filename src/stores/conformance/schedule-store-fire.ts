/**
 * @module stores/conformance/schedule-store-fire
 * Conformance of `ScheduleStore.fireSlot`, what a fire writes: the job, the cursor, the history,
 * the runtime state (run count, last status, last error) and the buffered slots, for a slot
 * with a job and for one without (skipped, missed, buffered). The guards (compare-and-set,
 * only forward, one job per slot, all or nothing) are in schedule-store-fire-guards.ts.
 */
import { describe, expect, it } from "vitest";
import {
  MINUTE,
  T0,
  createSchedule,
  cursorAt,
  fireNext,
  fireRequest,
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
  describe("fireSlot: what a fire writes", () => {
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
  });
}
