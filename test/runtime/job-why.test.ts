/** `kairos.jobs.why(id)` against a real engine: each situation gives its stable reason code. */
import { describe, expect, it } from "vitest";
import { deferred, nextEvent, waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0);

describe("kairos.jobs.why", () => {
  it("says a scheduled job runs later, in how long and at what time", async () => {
    const clock = new ManualClock(T0);
    const k = await memoryKairos({ clock });
    k.define("send", () => "ok");
    const job = await k.enqueue("send", {}, { runAt: T0 + 90_000 });
    const why = await k.jobs.why(job.id);
    expect(why).toEqual({
      jobId: job.id,
      state: "scheduled",
      summary: `job ${job.id} (send) is not running: scheduled to run in 1m30s, at ${new Date(T0 + 90_000).toISOString()}`,
      reasons: [
        {
          code: "scheduled_later",
          message: `scheduled to run in 1m30s, at ${new Date(T0 + 90_000).toISOString()}`,
        },
      ],
    });
  });

  it("returns null for an unknown id", async () => {
    const k = await memoryKairos();
    expect(await k.jobs.why("12345")).toBeNull();
    expect(await k.jobs.why("not-an-id")).toBeNull();
  });

  it("says a job's function is unknown", async () => {
    const k = await memoryKairos();
    const job = await k.enqueue("nosuch", {}, { allowUnknown: true });
    const why = await k.jobs.why(job.id);
    expect(why?.reasons.map((r) => r.code)).toEqual(["unknown_function"]);
  });

  it("names the concurrency key, its limit and the running job holding it", async () => {
    const k = await memoryKairos({ workerId: "w-why" });
    const gate = deferred<void>();
    k.define("sync", () => gate.promise, { concurrency: { key: "warehouse" } });
    const [first, second] = await k.enqueueMany("sync", [{}, {}]);
    await k.start({ concurrency: 2 });
    await waitFor(async () => (await k.jobs.get(first!.id))?.state === "running", "first runs");
    const why = await k.jobs.why(second!.id);
    expect(why?.reasons).toEqual([
      {
        code: "concurrency_key",
        message: `concurrency key "warehouse" allows 1 running at once and it is held by job ${first!.id} on w-why`,
      },
    ]);
    const running = await k.jobs.why(first!.id);
    expect(running?.summary).toMatch(
      new RegExp(
        `^job ${first!.id} \\(sync\\) is running: attempt 1 of \\d+, running since .* on worker w-why; lease expires at`,
      ),
    );
    gate.resolve();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === second!.id);
    const done = await k.jobs.why(second!.id);
    expect(done?.reasons.map((r) => r.code)).toEqual(["succeeded"]);
  });

  it("says which attempt failed and when the next try is due", async () => {
    const k = await memoryKairos();
    k.define(
      "flaky",
      () => {
        throw new Error("db down");
      },
      { maxAttempts: 2, backoff: { type: "fixed", delayMs: 3_600_000 } },
    );
    const job = await k.enqueue("flaky", {});
    await k.start();
    await waitFor(async () => (await k.jobs.get(job.id))?.state === "retrying", "retrying");
    const why = await k.jobs.why(job.id);
    expect(why?.reasons.map((r) => r.code)).toEqual(["retry_backoff"]);
    expect(why?.reasons[0]?.message).toMatch(
      /^attempt 1 of 2 failed \(Error: db down\); attempt 2 of 2 is due in (1h|59m\d+s), at \S+Z$/,
    );
  });

  it("counts the queued jobs ahead of a claimable job when no worker slot is free", async () => {
    const k = await memoryKairos();
    k.define("send", () => "ok");
    await k.enqueue("send", {}, { priority: 5 });
    await k.enqueue("send", {});
    const mine = await k.enqueue("send", {});
    const why = await k.jobs.why(mine.id);
    expect(why?.reasons).toEqual([
      {
        code: "waiting_for_slot",
        message: expect.stringMatching(
          /^due and claimable \(due for \S+\): waiting for a free worker slot; 2 due jobs ahead of it \(by priority, then runAt\)$/,
        ) as string,
      },
    ]);
  });
});
