import { describe, expect, it } from "vitest";
import type { OverlapPolicy } from "../../src/ports/schedule-store.js";
import { jobsOf, manualScheduler, T0 } from "./helpers.js";

/**
 * Each overlap policy with a manual clock. No workers run, so a fired job stays active (queued)
 * until the test cancels it, which stands for "the previous run is still going".
 */
async function scenario(overlap: OverlapPolicy) {
  const { kairos, clock } = await manualScheduler();
  await kairos.schedules.create({
    allowUnknown: true,
    name: "s",
    fn: "work",
    every: "10s",
    overlap,
    bufferLimit: 2,
  });
  clock.set(T0 + 10_000);
  await kairos.tickScheduler(); // slot 1 fires: job A active
  clock.set(T0 + 20_000);
  await kairos.tickScheduler(); // slot 2 while A is active
  const history = await kairos.schedules.history("s");
  const jobs = await jobsOf(kairos, "work");
  return { kairos, clock, history, jobs };
}

describe("overlap policies", () => {
  it("skip (default): no new job while the previous one is active; the skipped slot is recorded", async () => {
    const { history, jobs } = await scenario("skip");
    expect(jobs).toHaveLength(1);
    expect(history.find((h) => h.kind === "skipped")).toMatchObject({
      slotAt: T0 + 20_000,
      reason: "overlap",
    });
  });

  it("allow_all: fires regardless", async () => {
    const { jobs } = await scenario("allow_all");
    expect(jobs.map((j) => j.state)).toEqual(["queued", "queued"]);
  });

  it("buffer_one: buffers one slot and fires it when the active job ends; a second buffered slot is dropped", async () => {
    const { kairos, clock, jobs, history } = await scenario("buffer_one");
    expect(jobs).toHaveLength(1);
    expect(history.some((h) => h.kind === "buffered" && h.slotAt === T0 + 20_000)).toBe(true);
    clock.set(T0 + 30_000);
    await kairos.tickScheduler(); // slot 3: buffer already holds one
    expect(
      (await kairos.schedules.history("s")).some(
        (h) => h.kind === "dropped" && h.slotAt === T0 + 30_000,
      ),
    ).toBe(true);
    await kairos.jobs.cancel(jobs[0]!.id); // A ends
    await kairos.tickScheduler();
    const after = await jobsOf(kairos, "work");
    expect(after).toHaveLength(2);
    expect(after[1]!.state).toBe("queued");
  });

  it("buffer_all: buffers up to bufferLimit and fires them one after another", async () => {
    const { kairos, clock } = await scenario("buffer_all");
    clock.set(T0 + 30_000);
    await kairos.tickScheduler(); // second buffered slot (limit 2)
    clock.set(T0 + 40_000);
    await kairos.tickScheduler(); // buffer full: dropped
    const history = await kairos.schedules.history("s");
    expect(
      history
        .filter((h) => h.kind === "buffered")
        .map((h) => h.slotAt)
        .sort(),
    ).toEqual([T0 + 20_000, T0 + 30_000]);
    expect(history.some((h) => h.kind === "dropped" && h.slotAt === T0 + 40_000)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const [active] = await kairos.jobs.list({ fn: "work", state: "queued" });
      await kairos.jobs.cancel(active!.id);
      await kairos.tickScheduler();
    }
    expect(await jobsOf(kairos, "work")).toHaveLength(3);
  });

  it("cancel_other: cancels the active job and starts the new slot once it has ended", async () => {
    const { kairos, jobs, history } = await scenario("cancel_other");
    expect((await kairos.jobs.get(jobs[0]!.id))!.state).toBe("cancelled");
    expect(history.some((h) => h.kind === "cancelled_other")).toBe(true);
    await kairos.tickScheduler();
    const after = await jobsOf(kairos, "work");
    expect(after).toHaveLength(2);
    expect(after[1]!.state).toBe("queued");
  });

  it("terminate_other: cancels the active job and fires at once", async () => {
    const { kairos, jobs } = await scenario("terminate_other");
    expect(jobs).toHaveLength(2);
    expect((await kairos.jobs.get(jobs[0]!.id))!.state).toBe("cancelled");
    expect(jobs[1]!.state).toBe("queued");
  });
});
