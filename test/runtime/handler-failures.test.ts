import { describe, expect, it } from "vitest";
import { nextEvent, waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

describe("a misbehaving handler cannot take the pool down", () => {
  it("fails jobs whose handler throws synchronously, throws a non-Error, rejects, or never settles, and keeps working", async () => {
    const k = await memoryKairos();
    const once = { maxAttempts: 1 };
    k.define(
      "sync-throw",
      () => {
        throw new Error("sync boom");
      },
      once,
    );
    k.define(
      "throw-string",
      () => {
        throw "a plain string";
      },
      once,
    );
    k.define(
      "throw-undefined",
      () => {
        throw undefined;
      },
      once,
    );
    k.define("reject", () => Promise.reject(new RangeError("async boom")), once);
    k.define("never", () => new Promise(() => undefined), { ...once, timeoutMs: 100 });
    k.define("fine", () => "ok");

    const bad = await Promise.all([
      k.enqueue("sync-throw", {}),
      k.enqueue("throw-string", {}),
      k.enqueue("throw-undefined", {}),
      k.enqueue("reject", {}),
      k.enqueue("never", {}),
    ]);
    await k.start({ concurrency: 2 });
    await waitFor(
      async () => (await k.jobs.list({ state: ["failed", "timed_out"] })).length === 5,
      "all bad jobs finished",
    );
    const byFn = Object.fromEntries(
      await Promise.all(bad.map(async (j) => [j.fn, await k.jobs.get(j.id)] as const)),
    );
    expect(byFn["sync-throw"]!.error).toMatchObject({ name: "Error", message: "sync boom" });
    expect(byFn["throw-string"]!.error).toMatchObject({
      name: "NonErrorThrown",
      message: "handler threw a non-Error value: 'a plain string'",
    });
    expect(byFn["throw-undefined"]!.error!.message).toMatch(/non-Error value: undefined/);
    expect(byFn["reject"]!.error).toMatchObject({ name: "RangeError", message: "async boom" });
    expect(byFn["never"]!.state).toBe("timed_out");

    // The pool is still alive and works new jobs.
    const good = await k.enqueue("fine", {});
    await nextEvent(k, "job:succeeded", (e) => e.jobId === good.id);
  });

  it("survives a listener that throws", async () => {
    const k = await memoryKairos();
    k.on("job:started", () => {
      throw new Error("listener bug");
    });
    k.define("fine", () => "ok");
    const job = await k.enqueue("fine", {});
    await k.start();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
  });

  it("fails a job whose result JSON cannot hold", async () => {
    const k = await memoryKairos();
    k.define("bigint", () => ({ n: 1n }), { maxAttempts: 1 });
    const job = await k.enqueue("bigint", {});
    await k.start();
    await nextEvent(k, "job:failed", (e) => e.jobId === job.id);
    expect((await k.jobs.get(job.id))!.error!.name).toBe("ResultNotSerializable");
  });
});
