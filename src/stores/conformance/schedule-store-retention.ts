/**
 * @module stores/conformance/schedule-store-retention
 * Conformance of retention on the schedule side: `deleteScheduleHistory` deletes entries
 * recorded before the cutoff but never a schedule's newest `keepLatest`, examines at most
 * `limit` entries per call and resumes from its cursor; and a schedule whose last job was
 * deleted by `deleteFinishedJobs` keeps its last status.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.js";
import type {
  HistoryCursor,
  ScheduleHistoryEntry,
  ScheduleStore,
} from "../../ports/schedule-store.js";
import { expectKairosError } from "./job-store-fixtures.js";
import {
  MINUTE,
  T0,
  claimJob,
  createSchedule,
  fireNext,
  mustGetSchedule,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";

/** Record `count` pause/resume entries on schedule `name`, one a minute from `from`. */
async function toggle(store: ScheduleStore, name: string, from: number, count: number) {
  for (let i = 0; i < count; i += 1) {
    await store.setEnabled(name, i % 2 === 1, null, from + i * MINUTE);
  }
}

/** Run a whole pass in batches of `limit`; returns the per-call deleted counts. */
async function pass(
  store: ScheduleStore,
  recordedBefore: number,
  keepLatest: number,
  limit: number,
): Promise<number[]> {
  const counts: number[] = [];
  let after: HistoryCursor | null = null;
  for (let calls = 0; calls < 1000; calls += 1) {
    const outcome = await store.deleteScheduleHistory({ recordedBefore, keepLatest, limit, after });
    counts.push(outcome.deleted);
    if (outcome.next === null) return counts;
    after = outcome.next;
  }
  throw new Error("the pass did not end");
}

/** What a pass must leave of one schedule's history (newest first). */
function survivors(
  history: readonly ScheduleHistoryEntry[],
  recordedBefore: number,
  keepLatest: number,
): ScheduleHistoryEntry[] {
  return history.filter((entry, i) => i < keepLatest || entry.at >= recordedBefore);
}

export function defineRetentionTests(ctx: ScheduleSuiteContext): void {
  describe("deleteScheduleHistory", () => {
    it("deletes entries recorded before the cutoff but keeps each schedule's newest", async () => {
      const store = ctx.schedules();
      const busy = await createSchedule(store, { name: "busy" });
      const rare = await createSchedule(store, { name: "rare" });
      const idle = await createSchedule(store, { name: "idle" });
      await toggle(store, "rare", T0, 2);
      await toggle(store, "busy", T0 + MINUTE, 12);
      const cutoff = T0 + 9 * MINUTE;
      const before = {
        busy: await store.history(busy.id),
        rare: await store.history(rare.id),
      };
      expect(before.busy).toHaveLength(12);

      const counts = await pass(store, cutoff, 3, 4);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(8); // busy's entries at T0 + 1..8 min
      expect(await store.history(busy.id)).toEqual(survivors(before.busy, cutoff, 3));
      expect(await store.history(rare.id)).toEqual(before.rare);
      expect(await store.history(idle.id)).toEqual([]);

      // A second pass finds nothing more; keepLatest 0 then takes everything before the cutoff.
      expect(await pass(store, cutoff, 3, 4)).toEqual([0]);
      await pass(store, cutoff, 0, 4);
      expect(await store.history(rare.id)).toEqual([]);
      expect(await store.history(busy.id)).toEqual(survivors(before.busy, cutoff, 0));
    });

    it("examines at most `limit` entries per call and resumes after the kept ones", async () => {
      const store = ctx.schedules();
      const names = ["a", "b", "c", "d", "e"];
      for (const name of names) {
        await createSchedule(store, { name });
        await toggle(store, name, T0, 2);
      }
      const cutoff = T0 + DAY_MS;
      // Every old entry is among its schedule's newest 2: each call examines 3, deletes none.
      const first = await store.deleteScheduleHistory({
        recordedBefore: cutoff,
        keepLatest: 2,
        limit: 3,
      });
      expect(first.deleted).toBe(0);
      expect(first.next).not.toBeNull();
      expect(await pass(store, cutoff, 2, 3)).toEqual([0, 0, 0, 0]); // 10 entries: 3 + 3 + 3 + 1
      for (const name of names) {
        const schedule = await mustGetSchedule(store, name);
        expect(await store.history(schedule.id)).toHaveLength(2);
      }
      // From the cursor of the first call, the pass continues where it stopped.
      const rest = await store.deleteScheduleHistory({
        recordedBefore: cutoff,
        keepLatest: 0,
        limit: 100,
        after: first.next,
      });
      expect(rest).toEqual({ deleted: 7, next: null });
      expect(await pass(store, cutoff, 0, 100)).toEqual([3]);
      expect(
        await store.deleteScheduleHistory({ recordedBefore: cutoff, keepLatest: 0, limit: 0 }),
      ).toEqual({ deleted: 0, next: null });
    });

    it("rejects malformed arguments with ValidationError and deletes nothing", async () => {
      const store = ctx.schedules();
      const schedule = await createSchedule(store, { name: "s" });
      await toggle(store, "s", T0, 2);
      const bad = [
        { recordedBefore: Number.NaN, keepLatest: 0, limit: 10 },
        { recordedBefore: T0 + DAY_MS, keepLatest: -1, limit: 10 },
        { recordedBefore: T0 + DAY_MS, keepLatest: 0, limit: 0.5 },
        { recordedBefore: T0 + DAY_MS, keepLatest: 0, limit: 10, after: { at: T0, id: "x" } },
      ];
      for (const deletion of bad) {
        await expectKairosError(
          store.deleteScheduleHistory(deletion),
          ValidationError,
          "VALIDATION",
        );
      }
      expect(await store.history(schedule.id)).toHaveLength(2);
    });
  });

  describe("deleteFinishedJobs and schedules", () => {
    it("deletes a schedule's last job; the schedule keeps its last status", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      await createSchedule(schedules, { name: "s" });
      const job = await fireNext(schedules, "s");
      const running = await claimJob(jobs, "report", T0 + 2 * MINUTE);
      await jobs.finalize(
        [
          {
            jobId: job.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
        ],
        T0 + 3 * MINUTE,
      );
      const before = await mustGetSchedule(schedules, "s");
      expect(before).toMatchObject({ lastStatus: "succeeded", lastJobId: job.id, runCount: 1 });

      expect(await jobs.deleteFinishedJobs({ finishedBefore: T0 + DAY_MS, limit: 10 })).toBe(1);
      expect(await jobs.get(job.id)).toBeNull();
      expect(await mustGetSchedule(schedules, "s")).toEqual(before);
      expect(await schedules.activeJobs(before.id)).toEqual([]);
    });
  });
}

const DAY_MS = 86_400_000;
