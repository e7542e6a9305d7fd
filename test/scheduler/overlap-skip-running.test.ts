/**
 * Overlap `skip` with a job that is RUNNING (not merely queued) when the next slot comes: the
 * slot is skipped with reason `overlap`, recorded in history, and no second job is created.
 * The other overlap tests run no workers, so their active jobs are only ever queued.
 */
import { describe, expect, it } from "vitest";
import { deferred, nextEvent } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";

/** 2026-01-05T00:00:00Z. */
const T0 = Date.parse("2026-01-05T00:00:00Z");

describe("overlap skip with a running job", () => {
  it("skips the slot that comes while the schedule's job runs, and fires again once it ended", async () => {
    const clock = new ManualClock(T0);
    const k = await memoryKairos({ clock });
    const started = deferred();
    const release = deferred();
    k.define("work", async () => {
      started.resolve();
      await release.promise;
      return "done";
    });
    await k.schedules.create({
      allowUnknown: true,
      name: "s",
      fn: "work",
      every: "10s",
      overlap: "skip",
    });
    await k.start();

    clock.set(T0 + 10_000);
    await k.tickScheduler(); // slot 1 fires: job A
    await started.promise;
    const [a] = await k.jobs.list({ fn: "work" });
    expect(a).toMatchObject({ state: "running" });

    clock.set(T0 + 20_000);
    await k.tickScheduler(); // slot 2 while A runs
    expect(await k.jobs.list({ fn: "work" })).toHaveLength(1);
    const history = await k.schedules.history("s");
    expect(history.filter((h) => h.kind === "skipped")).toEqual([
      expect.objectContaining({ slotAt: T0 + 20_000, reason: "overlap" }),
    ]);
    expect((await k.jobs.get(a!.id))!.state).toBe("running");

    // A ends; the next slot fires, so the skip above was the running job's doing.
    release.resolve();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === a!.id);
    clock.set(T0 + 30_000);
    await k.tickScheduler();
    const jobs = await k.jobs.list({ fn: "work" });
    expect(jobs).toHaveLength(2);
    expect((await k.schedules.history("s")).filter((h) => h.kind === "skipped")).toHaveLength(1);
  });
});
