/**
 * @module stores/conformance/schedule-store-history
 * Conformance of pause/resume (`setEnabled`), `recordError` and `history`: each is recorded in
 * the schedule's history, newest first, and the history goes away with its schedule.
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
} from "./schedule-store-fixtures.js";

export function defineHistoryTests(ctx: ScheduleSuiteContext): void {
  describe("setEnabled", () => {
    it("pauses with a note and resumes, recording both; a resume may move the cursor", async () => {
      const store = ctx.schedules();
      const schedule = await createSchedule(store, { name: "s" });

      const paused = (await store.setEnabled("s", false, "db migration", T0 + 10))?.schedule;
      expect(paused).toEqual({
        ...schedule,
        enabled: false,
        pauseNote: "db migration",
        updatedAt: T0 + 10,
      });
      expect(await mustGetSchedule(store, "s")).toEqual(paused);
      expect(await store.dueSchedules(T0 + 60 * MINUTE, 10)).toEqual([]);

      // Resume an hour later: the caller recomputes the cursor so missed slots are not fired.
      const resumeAt = T0 + 60 * MINUTE + 30_000;
      const resumed = (
        await store.setEnabled("s", true, "done", resumeAt, cursorAt(T0 + 61 * MINUTE))
      )?.schedule;
      expect(resumed).toMatchObject({
        enabled: true,
        pauseNote: null,
        nextSlotAt: T0 + 61 * MINUTE,
        nextDueAt: T0 + 61 * MINUTE,
        updatedAt: resumeAt,
      });
      expect(await store.dueSchedules(resumeAt, 10)).toEqual([]);
      expect((await store.dueSchedules(T0 + 61 * MINUTE, 10)).map((s) => s.name)).toEqual(["s"]);

      expect(await store.history(schedule.id)).toEqual([
        {
          scheduleId: schedule.id,
          slotAt: null,
          at: resumeAt,
          kind: "resumed",
          reason: null,
          jobId: null,
          message: "done",
        },
        {
          scheduleId: schedule.id,
          slotAt: null,
          at: T0 + 10,
          kind: "paused",
          reason: null,
          jobId: null,
          message: "db migration",
        },
      ]);
    });

    it("keeps the cursor when none is given, and the runtime state always", async () => {
      const store = ctx.schedules();
      await createSchedule(store, { name: "s" });
      await fireNext(store, "s");
      const before = await mustGetSchedule(store, "s");
      await store.setEnabled("s", false, null, T0 + 5 * MINUTE);
      const after = await store.setEnabled("s", true, null, T0 + 6 * MINUTE);
      expect(after).toEqual({
        schedule: { ...before, updatedAt: T0 + 6 * MINUTE },
        cancelled: [],
      });
    });

    it("returns null for an unknown schedule", async () => {
      expect(await ctx.schedules().setEnabled("ghost", false, null, T0)).toBeNull();
    });
  });

  describe("recordError", () => {
    it("sets lastError and appends an error entry without moving the cursor", async () => {
      const store = ctx.schedules();
      const schedule = await createSchedule(store, { name: "s" });
      await store.recordError(schedule.id, "function report is not defined", T0 + MINUTE);
      const after = await mustGetSchedule(store, "s");
      expect(after.lastError).toBe("function report is not defined");
      expect(after.nextSlotAt).toBe(schedule.nextSlotAt);
      expect(after.nextDueAt).toBe(schedule.nextDueAt);
      expect(after.runCount).toBe(0);
      const [entry] = await store.history(schedule.id);
      expect(entry).toMatchObject({
        kind: "error",
        at: T0 + MINUTE,
        message: "function report is not defined",
        jobId: null,
      });
    });

    it("does nothing for an unknown schedule", async () => {
      await ctx.schedules().recordError("999999", "x", T0);
      await ctx.schedules().recordError("not-an-id", "x", T0);
    });
  });

  describe("history", () => {
    it("returns entries newest first, 100 by default, at most limit", async () => {
      const store = ctx.schedules();
      const schedule = await createSchedule(store, { name: "s" });
      const other = await createSchedule(store, { name: "other" });
      let current = schedule;
      for (let i = 0; i < 60; i++) {
        await store.fireSlot(
          fireRequest(current, {
            job: null,
            history: [
              {
                slotAt: current.nextSlotAt,
                at: T0 + i,
                kind: "missed",
                reason: `a${i}`,
                message: null,
              },
              {
                slotAt: current.nextSlotAt,
                at: T0 + i,
                kind: "skipped",
                reason: `b${i}`,
                message: null,
              },
            ],
            status: "skipped",
          }),
        );
        current = await mustGetSchedule(store, "s");
      }
      await store.recordError(other.id, "elsewhere", T0);

      const all = await store.history(schedule.id);
      expect(all).toHaveLength(100);
      expect(all.slice(0, 3).map((e) => e.reason)).toEqual(["b59", "a59", "b58"]);
      expect(all.every((e) => e.scheduleId === schedule.id)).toBe(true);
      expect((await store.history(schedule.id, 3)).map((e) => e.reason)).toEqual([
        "b59",
        "a59",
        "b58",
      ]);
      expect(await store.history(schedule.id, 1000)).toHaveLength(120);
      expect(await store.history("999999")).toEqual([]);
    });

    it("is deleted with its schedule", async () => {
      const store = ctx.schedules();
      const schedule = await createSchedule(store, { name: "s" });
      await fireNext(store, "s");
      await store.setEnabled("s", false, null, T0 + 2 * MINUTE);
      expect(kinds(await store.history(schedule.id))).toEqual(["paused", "fired"]);

      await store.applyPlan([{ op: "delete_schedule", name: "s" }], T0 + 3 * MINUTE);
      expect(await store.history(schedule.id)).toEqual([]);
      const again = await createSchedule(store, { name: "s" }, cursorAt(T0), T0 + 4 * MINUTE);
      expect(await store.history(again.id)).toEqual([]);
    });
  });
}
