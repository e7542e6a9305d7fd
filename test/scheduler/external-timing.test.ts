/**
 * The loop's external-timing mode (`start({ scheduler: { timing: "external" } })`, what
 * `scheduler.backend: kubernetes` maps onto): the cluster's CronJobs fire the slots through
 * `schedules.fire`, so the loop fires no due slot itself; it still fires a buffered slot when
 * the job holding it ends. Embedded timing (the default) is unchanged. Manual clock, no workers.
 */
import { describe, expect, it } from "vitest";
import { jobsOf, manualScheduler, T0 } from "./helpers.js";

const SEC = 1_000;

async function scenario(timing?: "embedded" | "external") {
  const { kairos, clock } = await manualScheduler(
    timing === undefined ? {} : { scheduler: { timing } },
  );
  await kairos.schedules.create({
    allowUnknown: true,
    name: "s",
    fn: "work",
    every: "10s",
  });
  return { kairos, clock };
}

describe("scheduler loop timing", () => {
  it("external: a due schedule is not fired by the loop, by a tick or by its own timers", async () => {
    const { kairos, clock } = await scenario("external");
    clock.set(T0 + 10 * SEC);
    await kairos.tickScheduler();
    // The loop's own timers: it sleeps a poll interval at a time, never until a due time it
    // will not act on (that would wake it at once, again and again, and this never returns).
    await clock.advanceAsync(60 * SEC);
    expect(await jobsOf(kairos, "work")).toHaveLength(0);
    expect(await kairos.schedules.history("s")).toEqual([]);
    // The slot is still the cluster's to fire.
    const fired = await kairos.schedules.fire("s", { slotAt: new Date(T0 + 70 * SEC) });
    expect(fired.outcome).toBe("fired");
  });

  it("embedded (default): the same due schedule is fired by the loop", async () => {
    const { kairos, clock } = await scenario();
    clock.set(T0 + 10 * SEC);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
  });

  it("external: a buffered slot fires when the job holding it ends", async () => {
    const { kairos, clock } = await manualScheduler({ scheduler: { timing: "external" } });
    await kairos.schedules.create({
      allowUnknown: true,
      name: "b",
      fn: "work",
      every: "10s",
      overlap: "buffer_one",
    });
    clock.set(T0 + 20 * SEC);
    const first = await kairos.schedules.fire("b", { slotAt: new Date(T0 + 10 * SEC) });
    const second = await kairos.schedules.fire("b", { slotAt: new Date(T0 + 20 * SEC) });
    expect([first.outcome, second.outcome]).toEqual(["fired", "buffered"]);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(1); // still held by the first job
    await kairos.jobs.cancel(first.jobId!);
    await kairos.tickScheduler();
    const jobs = await jobsOf(kairos, "work");
    expect(jobs).toHaveLength(2);
    expect(jobs[1]!.state).toBe("queued");
    const history = await kairos.schedules.history("b");
    expect(history.find((h) => h.kind === "fired" && h.slotAt === T0 + 20 * SEC)).toMatchObject({
      reason: "from_buffer",
      jobId: jobs[1]!.id,
    });
  });
});
