/**
 * @module stores/conformance/schedule-store-completion
 * Conformance of the rule linking the two ports: when a job of a schedule reaches a terminal
 * state (through JobStore.finalize or JobStore.cancel), the schedule records it in the same
 * transaction — `lastStatus` (only for its last job) and a `completed` history entry.
 */
import { describe, expect, it } from "vitest";
import type { Finalization } from "../../ports/job-store.js";
import {
  MINUTE,
  T0,
  claimJob,
  createSchedule,
  fireNext,
  kinds,
  mustGetSchedule,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";

const DONE_AT = T0 + 10 * MINUTE;

export function defineCompletionTests(ctx: ScheduleSuiteContext): void {
  describe("job completion", () => {
    const terminal: readonly (Finalization & {
      kind: "succeeded" | "failed" | "timed_out" | "cancelled";
    })[] = [
      { kind: "succeeded", resultJson: '{"ok":true}' },
      { kind: "failed", error: { name: "Error", message: "boom" } },
      { kind: "timed_out", error: { name: "timeout", message: "timed out", code: "JOB_TIMEOUT" } },
      { kind: "cancelled", error: { name: "cancelled", message: "cancelled by user" } },
    ];
    for (const outcome of terminal) {
      it(`records a finalized ${outcome.kind} job as lastStatus and a completed entry`, async () => {
        const schedules = ctx.schedules();
        const jobs = ctx.jobs();
        const schedule = await createSchedule(schedules, { name: "s" });
        const job = await fireNext(schedules, "s");
        const running = await claimJob(jobs, "report", T0 + 2 * MINUTE);
        expect(running.id).toBe(job.id);
        expect(
          await jobs.finalize(
            [{ jobId: job.id, leaseToken: running.leaseToken!, outcome }],
            DONE_AT,
          ),
        ).toEqual([true]);

        const after = await mustGetSchedule(schedules, "s");
        expect(after.lastStatus).toBe(outcome.kind);
        expect(after.lastJobId).toBe(job.id);
        expect(after.nextSlotAt).toBe(T0 + 2 * MINUTE);
        const [completed] = await schedules.history(schedule.id);
        expect(completed).toEqual({
          scheduleId: schedule.id,
          slotAt: T0 + MINUTE,
          at: DONE_AT,
          kind: "completed",
          reason: outcome.kind,
          jobId: job.id,
          message: null,
        });
      });
    }

    it("records a pending job cancelled through the job store", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      const job = await fireNext(schedules, "s");
      expect((await jobs.cancel(job.id, DONE_AT)).kind).toBe("cancelled");
      expect((await mustGetSchedule(schedules, "s")).lastStatus).toBe("cancelled");
      expect(await schedules.history(schedule.id)).toMatchObject([
        { kind: "completed", reason: "cancelled", jobId: job.id, at: DONE_AT },
        { kind: "fired", jobId: job.id },
      ]);
      expect(await schedules.activeJobs(schedule.id)).toEqual([]);
    });

    it("records nothing for a retry, a release or a finalization that did not apply", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      const job = await fireNext(schedules, "s");
      const first = await claimJob(jobs, "report", T0 + 2 * MINUTE);
      await jobs.finalize(
        [
          {
            jobId: job.id,
            leaseToken: first.leaseToken!,
            outcome: {
              kind: "retrying",
              error: { name: "Error", message: "x" },
              runAt: T0 + 3 * MINUTE,
            },
          },
        ],
        T0 + 2 * MINUTE,
      );
      const second = await claimJob(jobs, "report", T0 + 3 * MINUTE);
      await jobs.finalize(
        [{ jobId: job.id, leaseToken: second.leaseToken!, outcome: { kind: "released" } }],
        T0 + 3 * MINUTE,
      );
      // A late result under the first (stale) lease token is dropped.
      expect(
        await jobs.finalize(
          [
            {
              jobId: job.id,
              leaseToken: first.leaseToken!,
              outcome: { kind: "succeeded", resultJson: "1" },
            },
          ],
          T0 + 4 * MINUTE,
        ),
      ).toEqual([false]);
      expect((await mustGetSchedule(schedules, "s")).lastStatus).toBe("fired");
      expect(kinds(await schedules.history(schedule.id))).toEqual(["fired"]);
    });

    it("records completion once: a terminal job never completes again", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s" });
      const job = await fireNext(schedules, "s");
      const running = await claimJob(jobs, "report", T0 + 2 * MINUTE);
      const succeed = {
        jobId: job.id,
        leaseToken: running.leaseToken!,
        outcome: { kind: "succeeded", resultJson: "1" },
      } as const;
      expect(await jobs.finalize([succeed, succeed], DONE_AT)).toEqual([true, false]);
      expect((await jobs.cancel(job.id, DONE_AT + 1)).kind).toBe("already_finished");
      expect(kinds(await schedules.history(schedule.id))).toEqual(["completed", "fired"]);
    });

    it("does not let an older job finishing after a newer one overwrite lastStatus", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      const schedule = await createSchedule(schedules, { name: "s", overlap: "allow_all" });
      const older = await fireNext(schedules, "s");
      const newer = await fireNext(schedules, "s");
      const runOlder = await claimJob(jobs, "report", T0 + 3 * MINUTE);
      const runNewer = await claimJob(jobs, "report", T0 + 3 * MINUTE);
      expect([runOlder.id, runNewer.id]).toEqual([older.id, newer.id]);

      await jobs.finalize(
        [
          {
            jobId: newer.id,
            leaseToken: runNewer.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
        ],
        DONE_AT,
      );
      await jobs.finalize(
        [
          {
            jobId: older.id,
            leaseToken: runOlder.leaseToken!,
            outcome: { kind: "failed", error: { name: "Error", message: "late" } },
          },
        ],
        DONE_AT + 1,
      );
      const after = await mustGetSchedule(schedules, "s");
      expect(after.lastStatus).toBe("succeeded");
      expect(after.lastJobId).toBe(newer.id);
      const history = await schedules.history(schedule.id);
      expect(history.slice(0, 2).map((e) => [e.kind, e.reason, e.jobId])).toEqual([
        ["completed", "failed", older.id],
        ["completed", "succeeded", newer.id],
      ]);
    });

    it("finishes a job whose schedule was deleted", async () => {
      const schedules = ctx.schedules();
      const jobs = ctx.jobs();
      await createSchedule(schedules, { name: "s" });
      const job = await fireNext(schedules, "s");
      await schedules.applyPlan([{ op: "delete_schedule", name: "s" }], T0 + 2 * MINUTE);
      const running = await claimJob(jobs, "report", T0 + 3 * MINUTE);
      expect(
        await jobs.finalize(
          [
            {
              jobId: job.id,
              leaseToken: running.leaseToken!,
              outcome: { kind: "succeeded", resultJson: "1" },
            },
          ],
          DONE_AT,
        ),
      ).toEqual([true]);
      expect((await jobs.get(job.id))?.state).toBe("succeeded");
    });
  });
}
