/**
 * Pre-firing through the engine, on a manual clock: an allow_all slot is written at T - L with
 * runAt T (L = scheduler.prefireLeadMs, default DEFAULT_PREFIRE_LEAD_MS); other overlap
 * policies, lead 0 and external timing never pre-fire; a pause, an update or a delete inside L
 * cancels the pre-fired job (and an update fires the slot again under the new definition).
 */
import { describe, expect, it } from "vitest";
import { jitterFor } from "../../src/core/schedules/jitter.js";
import { DEFAULT_PREFIRE_LEAD_MS } from "../../src/runtime/scheduler/scheduler-loop.js";
import { T0, jobsOf, manualScheduler } from "./helpers.js";

const SLOT = T0 + 60_000;
const L = DEFAULT_PREFIRE_LEAD_MS;

async function engineWith(overlap: "allow_all" | "skip", scheduler = {}) {
  const { kairos, clock } = await manualScheduler({ scheduler });
  await kairos.schedules.create({
    allowUnknown: true,
    name: "p",
    fn: "work",
    every: "1m",
    overlap,
    payload: { v: 1 },
  });
  return { kairos, clock };
}

describe("pre-firing (allow_all)", () => {
  it("writes the slot's job at T - L with runAt T, not earlier", async () => {
    const { kairos, clock } = await engineWith("allow_all");
    const fired: number[] = [];
    kairos.on("schedule:fired", (e) => fired.push(e.at));
    clock.set(SLOT - L - 1);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(0);
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    const [job] = await jobsOf(kairos, "work");
    expect(job).toMatchObject({ state: "scheduled", runAt: new Date(SLOT) });
    expect(fired).toEqual([SLOT - L]);
    const s = await kairos.schedules.get("p");
    expect(s?.runCount).toBe(1);
    // At the slot nothing more is written: the slot was handled once.
    clock.set(SLOT);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
  });

  it("never pre-fires another overlap policy, with lead 0, or with external timing", async () => {
    for (const [overlap, scheduler] of [
      ["skip", {}],
      ["allow_all", { prefireLeadMs: 0 }],
      ["allow_all", { timing: "external" }],
    ] as const) {
      const { kairos, clock } = await engineWith(overlap, scheduler);
      clock.set(SLOT - 1);
      await kairos.tickScheduler();
      expect(await jobsOf(kairos, "work"), `${overlap} ${JSON.stringify(scheduler)}`).toEqual([]);
    }
    const { kairos, clock } = await engineWith("skip");
    clock.set(SLOT);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toMatchObject([
      { state: "queued", runAt: new Date(SLOT) },
    ]);
  });

  it("a pause a second before the slot stops it; a resume before the slot fires it", async () => {
    const { kairos, clock } = await engineWith("allow_all");
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    clock.set(SLOT - 1_000);
    await kairos.schedules.pause("p", "hold");
    const [cancelled] = await jobsOf(kairos, "work");
    expect(cancelled?.state).toBe("cancelled");
    const history = await kairos.schedules.history("p");
    expect(history.map((h) => h.kind).slice(0, 2)).toEqual(["paused", "prefire_cancelled"]);
    clock.set(SLOT + 10);
    await kairos.tickScheduler();
    expect((await jobsOf(kairos, "work")).map((j) => j.state)).toEqual(["cancelled"]);

    // Another run: resumed before the slot, the slot is pre-fired again.
    const again = await engineWith("allow_all");
    again.clock.set(SLOT - L);
    await again.kairos.tickScheduler();
    again.clock.set(SLOT - 1_000);
    await again.kairos.schedules.pause("p");
    again.clock.set(SLOT - 500);
    await again.kairos.schedules.resume("p");
    await again.kairos.tickScheduler();
    const jobs = await jobsOf(again.kairos, "work");
    expect(jobs.map((j) => [j.state, j.runAt.getTime()])).toEqual([
      ["cancelled", SLOT],
      ["scheduled", SLOT],
    ]);
  });

  it("an update inside L cancels the pre-fired job and fires the slot with the new payload", async () => {
    const { kairos, clock } = await engineWith("allow_all");
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    clock.set(SLOT - 1_000);
    await kairos.schedules.update("p", { payload: { v: 2 } });
    await kairos.tickScheduler();
    const jobs = await jobsOf(kairos, "work");
    expect(jobs.map((j) => [j.state, j.runAt.getTime(), j.payload])).toEqual([
      ["cancelled", SLOT, { v: 1 }],
      ["scheduled", SLOT, { v: 2 }],
    ]);
    expect((await kairos.schedules.get("p"))?.runCount).toBe(1);
  });

  it("an update to another overlap policy fires the slot at the instant instead", async () => {
    const { kairos, clock } = await engineWith("allow_all");
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    clock.set(SLOT - 1_000);
    await kairos.schedules.update("p", { overlap: "skip" });
    await kairos.tickScheduler();
    expect((await jobsOf(kairos, "work")).map((j) => j.state)).toEqual(["cancelled"]);
    clock.set(SLOT);
    await kairos.tickScheduler();
    expect((await jobsOf(kairos, "work")).map((j) => j.state)).toEqual(["cancelled", "queued"]);
  });

  it("a delete inside L cancels the pre-fired job", async () => {
    const { kairos, clock } = await engineWith("allow_all");
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    clock.set(SLOT - 1_000);
    await kairos.schedules.delete("p");
    expect((await jobsOf(kairos, "work")).map((j) => j.state)).toEqual(["cancelled"]);
  });
});

describe("pre-firing: what a cancel of a pre-fired job leaves behind", () => {
  it("a pause, an update and a delete announce the cancelled job as jobs.cancel does", async () => {
    for (const change of ["pause", "update", "delete"] as const) {
      const { kairos, clock } = await engineWith("allow_all");
      const cancelled: unknown[] = [];
      kairos.on("job:cancelled", (e) => cancelled.push(e));
      clock.set(SLOT - L);
      await kairos.tickScheduler();
      const [job] = await jobsOf(kairos, "work");
      clock.set(SLOT - 500);
      if (change === "pause") await kairos.schedules.pause("p");
      if (change === "update") await kairos.schedules.update("p", { payload: { v: 2 } });
      if (change === "delete") await kairos.schedules.delete("p");
      expect(cancelled, change).toEqual([
        { jobId: job!.id, fn: "work", attempt: job!.attempt, at: SLOT - 500 },
      ]);
      // The same event as a cancel through the jobs API.
      const other = await kairos.enqueue("work", {}, { runAt: SLOT + 5_000, allowUnknown: true });
      await kairos.jobs.cancel(other.id);
      expect(Object.keys(cancelled[1] as object).sort()).toEqual(
        Object.keys(cancelled[0] as object).sort(),
      );
    }
  });

  it("kairos apply announces the pre-fired jobs its update cancelled", async () => {
    const { kairos, clock } = await engineWith("allow_all");
    const cancelled: string[] = [];
    kairos.on("job:cancelled", (e) => cancelled.push(e.jobId));
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    const [job] = await jobsOf(kairos, "work");
    clock.set(SLOT - 500);
    await kairos.applyReconcile(
      [{ op: "update_schedule", name: "p", fields: { payloadJson: '{"v":3}' } }],
      clock.now(),
    );
    expect(cancelled).toEqual([job!.id]);
  });

  it("after a cancel the schedule's last run is the previous real one (or none)", async () => {
    const { kairos, clock } = await engineWith("allow_all");
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    clock.set(SLOT - 500);
    await kairos.schedules.pause("p");
    expect(await kairos.schedules.get("p")).toMatchObject({
      lastJobId: null,
      lastStatus: null,
      lastFiredAt: null,
      runCount: 0,
    });

    // A real run (cancelled by hand, so finished), then a pre-fire cancelled by a pause (an
    // update would fire the slot again at once: it is within the lead).
    await kairos.schedules.resume("p");
    await kairos.tickScheduler();
    const [, first] = await jobsOf(kairos, "work");
    clock.set(SLOT + 10);
    await kairos.jobs.cancel(first!.id);
    clock.set(SLOT + 60_000 - L);
    await kairos.tickScheduler();
    expect((await kairos.schedules.get("p"))?.lastStatus).toBe("fired");
    clock.set(SLOT + 60_000 - 500);
    await kairos.schedules.pause("p");
    expect(await kairos.schedules.get("p")).toMatchObject({
      lastJobId: first!.id,
      lastStatus: "cancelled",
      lastFiredAt: new Date(SLOT - 500),
      runCount: 1,
    });
  });
});

describe("pre-firing: an update of the jitter alone", () => {
  it("re-fires the slot at its due time under the new jitter, not the old one", async () => {
    const { kairos, clock } = await manualScheduler();
    const s = await kairos.schedules.create({
      allowUnknown: true,
      name: "j",
      fn: "work",
      every: "1m",
      overlap: "allow_all",
      jitter: "20s",
    });
    // The first slot is due unjittered; the second carries the jitter.
    clock.set(SLOT - L);
    await kairos.tickScheduler();
    const slot2 = SLOT + 60_000;
    const dueOld = slot2 + jitterFor(s.id, slot2, 20_000, slot2 + 60_000);
    const dueNew = slot2 + jitterFor(s.id, slot2, 40_000, slot2 + 60_000);
    expect((await kairos.schedules.get("j"))?.nextFireAt).toEqual(new Date(slot2));
    clock.set(dueOld - L);
    await kairos.tickScheduler();
    const before = await jobsOf(kairos, "work");
    expect(before.map((j) => j.runAt.getTime())).toEqual([SLOT, dueOld]);

    clock.set(dueOld - 500);
    await kairos.schedules.update("j", { jitter: "40s" });
    expect((await kairos.schedules.get("j"))?.nextFireAt).toEqual(new Date(slot2));
    expect(dueNew).toBeGreaterThan(dueOld - 500 + L); // not within the lead yet
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(2);
    clock.set(dueNew - L);
    await kairos.tickScheduler();
    const after = await jobsOf(kairos, "work");
    expect(after.map((j) => [j.state, j.runAt.getTime()])).toEqual([
      ["scheduled", SLOT],
      ["cancelled", dueOld],
      ["scheduled", dueNew],
    ]);
  });
});
