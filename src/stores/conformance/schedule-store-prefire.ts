/**
 * @module stores/conformance/schedule-store-prefire
 * Conformance of pre-firing (ports/schedule-store, "Pre-fired jobs"): the due reads with a
 * lead (allow_all within it, the others only when due), and the cancel of pre-fired jobs by a
 * pause, an update and a delete — recorded, the cursor moved back so the slot fires again,
 * and never a job already due. A pre-fire is a `fireSlot` whose job is due after its `now`.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.js";
import { jitterFor } from "../../core/schedules/jitter.js";
import { nextSlotAfter } from "../../core/schedules/timing.js";
import type { StoredSchedule } from "../../ports/schedule-store.js";
import {
  MINUTE,
  T0,
  createSchedule,
  fireRequest,
  jobsOfSchedule,
  kinds,
  mustGetSchedule,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";

const SLOT = T0 + MINUTE;
const LEAD = 3_000;

/** Pre-fire the schedule's slot (job due at `runAt`) at `now`; returns the job id. */
async function prefire(
  ctx: ScheduleSuiteContext,
  schedule: StoredSchedule,
  now: number,
  runAt = schedule.nextDueAt!,
): Promise<string> {
  const request = fireRequest(schedule, { now });
  const outcome = await ctx.schedules().fireSlot({ ...request, job: { ...request.job!, runAt } });
  if (outcome.kind !== "applied" || outcome.job === null) {
    throw new Error(`pre-fire not applied: ${JSON.stringify(outcome)}`);
  }
  expect(outcome.job.state).toBe("scheduled");
  return outcome.job.id;
}

async function allowAll(ctx: ScheduleSuiteContext, name = "a"): Promise<StoredSchedule> {
  return createSchedule(ctx.schedules(), { name, overlap: "allow_all" });
}

export function definePrefireTests(ctx: ScheduleSuiteContext): void {
  describe("pre-firing: due reads with a lead", () => {
    it("returns allow_all schedules due within the lead, the others only once due", async () => {
      const store = ctx.schedules();
      await allowAll(ctx, "a");
      await createSchedule(store, { name: "s", overlap: "skip" });
      const names = async (now: number, lead?: number) =>
        (await store.dueSchedules(now, 10, lead)).map((x) => x.name);
      expect(await names(SLOT - LEAD - 1, LEAD)).toEqual([]);
      expect(await names(SLOT - LEAD, LEAD)).toEqual(["a"]);
      expect(await names(SLOT - 1)).toEqual([]);
      expect(await names(SLOT - 1, 0)).toEqual([]);
      expect((await names(SLOT, LEAD)).sort()).toEqual(["a", "s"]);
    });

    it("nextDueAt with a lead: L before an allow_all schedule, at the due time of others", async () => {
      const store = ctx.schedules();
      await createSchedule(store, { name: "s", overlap: "skip" });
      expect(await store.nextDueAt(LEAD)).toBe(SLOT);
      await createSchedule(
        store,
        { name: "a", overlap: "allow_all" },
        { nextSlotAt: SLOT + 1_000, nextDueAt: SLOT + 1_000 },
      );
      expect(await store.nextDueAt()).toBe(SLOT);
      expect(await store.nextDueAt(LEAD)).toBe(SLOT + 1_000 - LEAD);
      // An allow_all schedule due later than the earliest + lead does not move it.
      expect(await store.nextDueAt(500)).toBe(SLOT);
    });

    it("refuses a lead that is not an integer >= 0", async () => {
      const store = ctx.schedules();
      await expect(store.dueSchedules(T0, 10, -1)).rejects.toBeInstanceOf(ValidationError);
      await expect(store.nextDueAt(1.5)).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe("pre-firing: pause, update and delete cancel pre-fired jobs", () => {
    it("a pause cancels the pre-fired job, records it and moves the cursor back", async () => {
      const store = ctx.schedules();
      const jobId = await prefire(ctx, await allowAll(ctx), SLOT - LEAD);
      const fired = await mustGetSchedule(store, "a");
      expect(fired.nextSlotAt).toBe(SLOT + MINUTE);
      expect(fired.runCount).toBe(1);

      const paused = (await store.setEnabled("a", false, "maintenance", SLOT - 1_000))?.schedule;
      expect(paused).toMatchObject({ enabled: false, nextSlotAt: SLOT, nextDueAt: SLOT });
      expect(paused?.runCount).toBe(0);
      const job = await ctx.jobs().get(jobId);
      expect(job?.state).toBe("cancelled");
      const history = await store.history(fired.id);
      expect(kinds(history).slice(0, 3)).toEqual(["paused", "prefire_cancelled", "fired"]);
      expect(history[1]).toMatchObject({ slotAt: SLOT, jobId, reason: "paused" });

      // A resume before the slot fires it again: the slot's key is free.
      const resumed = (await store.setEnabled("a", true, null, SLOT - 500))?.schedule;
      const again = await prefire(ctx, resumed!, SLOT - 500);
      expect(again).not.toBe(jobId);
    });

    it("a pause leaves a job already due (or running) alone", async () => {
      const store = ctx.schedules();
      const jobId = await prefire(ctx, await allowAll(ctx), SLOT - LEAD);
      const paused = (await store.setEnabled("a", false, null, SLOT))?.schedule;
      expect(paused?.nextSlotAt).toBe(SLOT + MINUTE);
      expect((await ctx.jobs().get(jobId))?.state).toBe("scheduled");
      expect(kinds(await store.history(paused!.id))[0]).toBe("paused");
    });

    it("a pre-fire of a paused schedule is stale; an on-time fire is not", async () => {
      const store = ctx.schedules();
      await allowAll(ctx);
      const paused = (await store.setEnabled("a", false, null, SLOT - LEAD))!.schedule;
      const request = fireRequest(paused, { now: SLOT - LEAD });
      const early = await store.fireSlot({ ...request, job: { ...request.job!, runAt: SLOT } });
      expect(early.kind).toBe("stale");
      expect((await store.fireSlot(fireRequest(paused))).kind).toBe("applied");
    });

    it("an update cancels the pre-fired job and moves the cursor back to its slot", async () => {
      const store = ctx.schedules();
      const jobId = await prefire(ctx, await allowAll(ctx), SLOT - LEAD, SLOT + 700);
      await store.applyPlan(
        [{ op: "update_schedule", name: "a", fields: { payloadJson: '{"v":2}' } }],
        SLOT - 1_000,
      );
      const updated = await mustGetSchedule(store, "a");
      expect(updated).toMatchObject({ nextSlotAt: SLOT, nextDueAt: SLOT + 700, runCount: 0 });
      expect((await ctx.jobs().get(jobId))?.state).toBe("cancelled");
      const [entry] = await store.history(updated.id);
      expect(entry).toMatchObject({ kind: "prefire_cancelled", reason: "updated", slotAt: SLOT });
      // Fired again under the new definition.
      const again = await prefire(ctx, updated, SLOT - 900);
      expect((await ctx.jobs().get(again))?.payloadJson).toBe(updated.payloadJson);
    });

    it("an update of the jitter alone re-derives the slot's due time with the new jitter", async () => {
      const store = ctx.schedules();
      const schedule = await createSchedule(
        store,
        { name: "a", overlap: "allow_all", jitterMs: 20_000 },
        { nextSlotAt: SLOT, nextDueAt: SLOT + 700 },
      );
      const jobId = await prefire(ctx, schedule, SLOT - LEAD, SLOT + 700);
      await store.applyPlan(
        [{ op: "update_schedule", name: "a", fields: { jitterMs: 40_000 } }],
        SLOT - 1_000,
      );
      const following = nextSlotAfter(schedule.timing, SLOT);
      expect(await mustGetSchedule(store, "a")).toMatchObject({
        nextSlotAt: SLOT,
        nextDueAt: SLOT + jitterFor(schedule.id, SLOT, 40_000, following),
        runCount: 0,
      });
      expect((await ctx.jobs().get(jobId))?.state).toBe("cancelled");
      // With no pre-fired job cancelled the cursor is kept (the jitter applies from the next
      // slot), as before pre-firing.
      const kept = await mustGetSchedule(store, "a");
      await store.applyPlan(
        [{ op: "update_schedule", name: "a", fields: { jitterMs: 0 } }],
        SLOT - 900,
      );
      expect(await mustGetSchedule(store, "a")).toMatchObject({
        nextSlotAt: SLOT,
        nextDueAt: kept.nextDueAt,
      });
    });

    it("an update that gives a cursor keeps that cursor", async () => {
      const store = ctx.schedules();
      await prefire(ctx, await allowAll(ctx), SLOT - LEAD);
      const cursor = { nextSlotAt: SLOT + 30_000, nextDueAt: SLOT + 30_000 };
      await store.applyPlan(
        [
          {
            op: "update_schedule",
            name: "a",
            fields: { timing: { kind: "every", everyMs: 30_000 } },
            cursor,
          },
        ],
        SLOT - 1_000,
      );
      expect(await mustGetSchedule(store, "a")).toMatchObject(cursor);
    });

    it("a delete cancels the pre-fired job and keeps the schedule's other jobs", async () => {
      const store = ctx.schedules();
      const schedule = await allowAll(ctx);
      const done = await prefire(ctx, schedule, SLOT - LEAD);
      const next = await mustGetSchedule(store, "a");
      const ahead = await prefire(ctx, next, SLOT + MINUTE - LEAD);
      await store.applyPlan([{ op: "delete_schedule", name: "a" }], SLOT + 1);
      const jobs = await jobsOfSchedule(ctx.jobs(), schedule.id);
      const states = Object.fromEntries(jobs.map((j) => [j.id, j.state]));
      expect(states).toEqual({ [done]: "scheduled", [ahead]: "cancelled" });
    });
  });

  describe("pre-firing: the cancelled jobs are returned and the last run put back", () => {
    it("pause, update and delete return the jobs they cancelled, by slot", async () => {
      const store = ctx.schedules();
      const expectCancelled = async (jobId: string, got: readonly unknown[]) => {
        const job = (await ctx.jobs().get(jobId))!;
        expect(got).toEqual([
          { jobId, fn: job.fn, attempt: job.attempt, scheduleId: job.origin.id, slotAt: SLOT },
        ]);
      };
      const a = await prefire(ctx, await allowAll(ctx, "a"), SLOT - LEAD);
      await expectCancelled(a, (await store.setEnabled("a", false, null, SLOT - 1_000))!.cancelled);
      expect((await store.setEnabled("a", false, null, SLOT - 900))!.cancelled).toEqual([]);

      const b = await prefire(ctx, await allowAll(ctx, "b"), SLOT - LEAD);
      const plan = await store.applyPlan(
        [{ op: "update_schedule", name: "b", fields: { payloadJson: '{"v":2}' } }],
        SLOT - 1_000,
      );
      await expectCancelled(b, plan.cancelled);

      const c = await prefire(ctx, await allowAll(ctx, "c"), SLOT - LEAD);
      await expectCancelled(
        c,
        (await store.applyPlan([{ op: "delete_schedule", name: "c" }], SLOT - 1_000)).cancelled,
      );
      expect((await store.applyPlan([], SLOT)).cancelled).toEqual([]);
    });

    it("a cancel leaves no last run when the cancelled job was the only one", async () => {
      const store = ctx.schedules();
      await prefire(ctx, await allowAll(ctx), SLOT - LEAD);
      const paused = (await store.setEnabled("a", false, null, SLOT - 1_000))!.schedule;
      expect(paused).toMatchObject({ lastJobId: null, lastStatus: null, lastFiredAt: null });
    });

    it("a cancel puts back the previous real run: its terminal state, else fired", async () => {
      const store = ctx.schedules();
      const first = await prefire(ctx, await allowAll(ctx), SLOT - LEAD);
      // Pre-fire the next slot at `at`, and pause 100 ms later (which cancels it).
      const cancelAhead = async (at: number) => {
        await prefire(ctx, await mustGetSchedule(store, "a"), at);
        return (await store.setEnabled("a", false, null, at + 100))!.schedule;
      };
      // The previous job is still waiting: its fire's status.
      const waiting = await cancelAhead(SLOT + MINUTE - LEAD);
      expect(waiting).toMatchObject({
        lastJobId: first,
        lastStatus: "fired",
        lastFiredAt: SLOT - LEAD,
        runCount: 1,
      });
      // Finished (cancelled by hand here): its terminal state.
      await ctx.jobs().cancel(first, SLOT + MINUTE - 900);
      await store.setEnabled("a", true, null, SLOT + MINUTE - 850);
      const finished = await cancelAhead(SLOT + MINUTE - 800);
      expect(finished).toMatchObject({ lastJobId: first, lastStatus: "cancelled", runCount: 1 });
    });
  });
}
