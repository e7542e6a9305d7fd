/**
 * @module stores/conformance/schedule-store-queries
 * Conformance of the scheduler's reads: due schedules (order, limit, only enabled, only due),
 * the earliest due instant, schedules with buffered slots, and the active jobs of a schedule.
 */
import { describe, expect, it } from "vitest";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import {
  MINUTE,
  T0,
  claimJob,
  createSchedule,
  fireNext,
  fireRequest,
  mustGetSchedule,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";

/** Create schedules named after their due instant offset (ms after T0). */
async function createDueAt(store: ScheduleStore, offsets: readonly number[]): Promise<void> {
  for (const offset of offsets) {
    await createSchedule(
      store,
      { name: `due+${offset}` },
      {
        nextSlotAt: T0 + offset,
        nextDueAt: T0 + offset,
      },
    );
  }
}

export function defineQueryTests(ctx: ScheduleSuiteContext): void {
  describe("dueSchedules and nextDueAt", () => {
    it("returns enabled schedules due at or before now, earliest first, at most limit", async () => {
      const store = ctx.schedules();
      await createDueAt(store, [300, 100, 200, 500, 400]);
      // Jitter: due later than the slot; ordering is by the due instant.
      await createSchedule(store, { name: "jittered" }, { nextSlotAt: T0, nextDueAt: T0 + 150 });

      const due = await store.dueSchedules(T0 + 300, 10);
      expect(due.map((s) => s.name)).toEqual(["due+100", "jittered", "due+200", "due+300"]);
      expect((await store.dueSchedules(T0 + 300, 2)).map((s) => s.name)).toEqual([
        "due+100",
        "jittered",
      ]);
      expect(await store.dueSchedules(T0 + 99, 10)).toEqual([]);
      expect(await store.dueSchedules(T0 + 1_000, 0)).toEqual([]);
    });

    it("leaves out disabled schedules and schedules that never fire again", async () => {
      const store = ctx.schedules();
      await createDueAt(store, [100, 200]);
      await createSchedule(
        store,
        { name: "paused", enabled: false },
        { nextSlotAt: T0, nextDueAt: T0 },
      );
      await createSchedule(store, { name: "finished" }, { nextSlotAt: null, nextDueAt: null });
      await store.setEnabled("due+100", false, "hold", T0);

      expect((await store.dueSchedules(T0 + 1_000, 10)).map((s) => s.name)).toEqual(["due+200"]);
      expect(await store.nextDueAt()).toBe(T0 + 200);

      await store.setEnabled("due+100", true, null, T0 + 1);
      expect(await store.nextDueAt()).toBe(T0 + 100);
    });

    it("nextDueAt is the earliest due instant, null when nothing is due ever", async () => {
      const store = ctx.schedules();
      expect(await store.nextDueAt()).toBeNull();
      await createDueAt(store, [700, 300, 900]);
      expect(await store.nextDueAt()).toBe(T0 + 300);
    });

    it("follows the cursor as slots fire", async () => {
      const store = ctx.schedules();
      await createSchedule(
        store,
        { name: "a" },
        { nextSlotAt: T0 + MINUTE, nextDueAt: T0 + MINUTE },
      );
      await createSchedule(
        store,
        { name: "b" },
        { nextSlotAt: T0 + 90_000, nextDueAt: T0 + 90_000 },
      );
      expect(await store.nextDueAt()).toBe(T0 + MINUTE);
      await fireNext(store, "a");
      expect(await store.nextDueAt()).toBe(T0 + 90_000);
      expect((await store.dueSchedules(T0 + 2 * MINUTE, 10)).map((s) => s.name)).toEqual([
        "b",
        "a",
      ]);
    });
  });

  describe("schedulesWithBufferedSlots", () => {
    it("returns enabled schedules that have buffered slots, at most limit", async () => {
      const store = ctx.schedules();
      for (const name of ["a", "b", "c", "none"]) {
        const schedule = await createSchedule(store, { name, overlap: "buffer_one" });
        if (name === "none") continue;
        await store.fireSlot(
          fireRequest(schedule, {
            job: null,
            history: [],
            bufferedSlots: [schedule.nextSlotAt!],
            status: "buffered",
          }),
        );
      }
      await store.setEnabled("c", false, null, T0);
      const withBuffer = await store.schedulesWithBufferedSlots(10);
      expect(withBuffer.map((s) => s.name).sort()).toEqual(["a", "b"]);
      expect(withBuffer[0]?.bufferedSlots).toEqual([T0 + MINUTE]);
      expect(await store.schedulesWithBufferedSlots(1)).toHaveLength(1);

      // Emptying the buffer removes it from the list.
      const a = await mustGetSchedule(store, "a");
      await store.fireSlot(
        fireRequest(a, { job: null, history: [], bufferedSlots: [], status: "skipped" }),
      );
      expect((await store.schedulesWithBufferedSlots(10)).map((s) => s.name)).toEqual(["b"]);
    });
  });

  describe("activeJobs", () => {
    it("lists the schedule's scheduled, queued, running and retrying jobs, oldest first", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      await createSchedule(schedules, { name: "s", overlap: "allow_all" });
      await createSchedule(schedules, { name: "other", fn: "other" });
      const s = await mustGetSchedule(schedules, "s");

      const first = await fireNext(schedules, "s"); // will run and succeed
      const second = await fireNext(schedules, "s"); // will run and retry
      const third = await fireNext(schedules, "s"); // will stay running
      const fourth = await fireNext(schedules, "s"); // will be cancelled
      const fifth = await fireNext(schedules, "s", {
        job: {
          ...fireRequest(await mustGetSchedule(schedules, "s")).job!,
          runAt: T0 + 60 * MINUTE,
        },
      }); // scheduled
      const sixth = await fireNext(schedules, "s"); // queued
      await fireNext(schedules, "other");

      const now = T0 + 10 * MINUTE;
      const c1 = await claimJob(jobs, "report", now);
      const c2 = await claimJob(jobs, "report", now);
      await claimJob(jobs, "report", now);
      expect([c1.id, c2.id]).toEqual([first.id, second.id]);
      await jobs.finalize(
        [
          {
            jobId: c1.id,
            leaseToken: c1.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
          {
            jobId: c2.id,
            leaseToken: c2.leaseToken!,
            outcome: {
              kind: "retrying",
              error: { name: "Error", message: "again" },
              runAt: now + MINUTE,
            },
          },
        ],
        now,
      );
      await jobs.cancel(fourth.id, now);

      const active = await schedules.activeJobs(s.id);
      expect(active.map((j) => [j.id, j.state])).toEqual([
        [second.id, "retrying"],
        [third.id, "running"],
        [fifth.id, "scheduled"],
        [sixth.id, "queued"],
      ]);
      expect(active.every((j) => j.origin.kind === "schedule" && j.origin.id === s.id)).toBe(true);
      expect(await schedules.activeJobs("no-such-schedule")).toEqual([]);
    });
  });
}
