import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { UnknownFunctionError, type Kairos } from "../../src/index.js";
import { nextEvent } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

/** Declare `name` as `kairos apply` would (an http function). */
async function declare(k: Kairos, name: string, options: object = {}): Promise<void> {
  await k.applyReconcile(
    [
      {
        op: "upsert_function",
        fn: {
          name,
          kind: "http",
          specJson: JSON.stringify({ executor: { url: "http://localhost:1/x" }, options }),
          source: "config",
        },
      },
    ],
    Date.now(),
  );
}

describe("enqueue of an unknown function", () => {
  it("throws UnknownFunctionError (code UNKNOWN_FUNCTION) with a did-you-mean hint, writing nothing", async () => {
    const k = await memoryKairos();
    k.define("send-report", () => null);
    const err = await rejection(k.enqueue("send-reprot", {}));
    expect(err).toBeInstanceOf(UnknownFunctionError);
    expect((err as UnknownFunctionError).code).toBe("UNKNOWN_FUNCTION");
    expect((err as Error).message).toContain('did you mean "send-report"?');
    expect((err as Error).message).toContain("allowUnknown");
    await expect(k.enqueueMany("send-reprot", [1, 2])).rejects.toBeInstanceOf(UnknownFunctionError);
    expect(await k.jobs.list({})).toHaveLength(0);
  });

  it("throws on a file store too, suggesting a name another process registered", async () => {
    const file = path.join(tempDir(), "k.db");
    const worker = await fileKairos(file);
    worker.define("resize-image", () => null);
    await worker.start();
    const producer = await fileKairos(file);
    const err = await rejection(producer.enqueue("resize-imag", {}));
    expect(err).toBeInstanceOf(UnknownFunctionError);
    expect((err as Error).message).toContain('did you mean "resize-image"?');
    await expect(producer.enqueue("nosuchfn", {})).rejects.toThrow(/unknown function "nosuchfn"/);
  });

  it("accepts an unknown name with allowUnknown: true (its worker will come later)", async () => {
    const k = await memoryKairos();
    const job = await k.enqueue("later", { a: 1 }, { allowUnknown: true });
    expect(job).toMatchObject({ fn: "later", state: "queued" });
  });

  it("accepts a name registered only by another process's define(), and uses its options", async () => {
    const file = path.join(tempDir(), "k.db");
    const worker = await fileKairos(file);
    worker.define("work", () => null, { maxAttempts: 7, priority: 3 });
    await worker.start();
    const producer = await fileKairos(file);
    const job = await producer.enqueue("work", {});
    expect(job).toMatchObject({ fn: "work", maxAttempts: 7, priority: 3 });
  });

  it("accepts a name declared by kairos apply, with no worker anywhere", async () => {
    const k = await memoryKairos();
    await declare(k, "declared-only", { maxAttempts: 4 });
    await expect(k.enqueue("declared-only", {})).resolves.toMatchObject({ maxAttempts: 4 });
  });

  it("checks schedule creation and manual triggers the same way", async () => {
    const k = await memoryKairos();
    await expect(
      k.schedules.create({ name: "s", fn: "nosuchfn", every: "1h" }),
    ).rejects.toBeInstanceOf(UnknownFunctionError);
    await k.schedules.create({ name: "s", fn: "nosuchfn", every: "1h", allowUnknown: true });
    await expect(k.schedules.trigger("s")).rejects.toBeInstanceOf(UnknownFunctionError);
    await expect(k.schedules.trigger("s", { allowUnknown: true })).resolves.toHaveProperty("id");
  });

  it("reads no store for a function defined here, and reads a stored name once", async () => {
    const k = await memoryKairos();
    k.define("local", () => null);
    await declare(k, "stored");
    const store = k.scheduleStore;
    if (!store) throw new Error("no schedule store");
    const getFunction = vi.spyOn(store, "getFunction");
    const listFunctions = vi.spyOn(store, "listFunctions");
    await k.enqueue("local", {});
    await k.enqueue("local", {});
    const readsForLocal = getFunction.mock.calls.filter(([name]) => name === "local").length;
    await k.enqueue("stored", {});
    await k.enqueue("stored", {});
    await k.enqueue("stored", {});
    // The job factory reads the declared spec (memoized); the known-function check adds at most one.
    const readsForStored = getFunction.mock.calls.filter(([name]) => name === "stored").length;
    expect(listFunctions).not.toHaveBeenCalled();
    expect(readsForLocal).toBeLessThanOrEqual(1);
    expect(readsForStored).toBeLessThanOrEqual(2);
  });
});

describe("function registry", () => {
  it("registers define()d functions at start with source define, never over a declared one", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    await declare(k, "declared", { maxAttempts: 2 });
    k.define("declared", () => null, { maxAttempts: 9 });
    k.define("mine", () => null, { maxAttempts: 5 });
    await k.start();
    const list = await k.functions.list();
    expect(list).toEqual([
      { name: "declared", kind: "http", source: "yaml", liveWorkers: 1, unavailable: [] },
      { name: "mine", kind: "inline", source: "define", liveWorkers: 1, unavailable: [] },
    ]);
    await expect(k.enqueue("declared", {})).resolves.toMatchObject({ maxAttempts: 2 });
  });

  it("a function defined after start is registered too", async () => {
    const k = await memoryKairos();
    await k.start();
    k.define("late", () => null);
    await vi.waitFor(async () => expect(await k.functions.liveWorkers("late")).toHaveLength(1));
  });

  it("counts live workers per function; a clean stop removes the worker", async () => {
    const file = path.join(tempDir(), "k.db");
    const observer = await fileKairos(file);
    expect(await observer.functions.liveWorkers("work")).toEqual([]);
    const worker = await fileKairos(file, { workerId: "w1" });
    worker.define("work", () => null);
    await worker.start();
    expect(await observer.functions.liveWorkers("work")).toMatchObject([
      { fn: "work", instance: "w1", unavailable: null },
    ]);
    await worker.stop();
    expect(await observer.functions.liveWorkers("work")).toEqual([]);
    // Registered once, the function stays known.
    await expect(observer.enqueue("work", {})).resolves.toMatchObject({ fn: "work" });
  });

  it("a worker's registration expires a few heartbeat intervals after its last heartbeat", async () => {
    const file = path.join(tempDir(), "k.db");
    const start = Date.parse("2026-01-05T00:00:00Z");
    const workerClock = new ManualClock(start);
    const worker = await fileKairos(file, { clock: workerClock, presenceIntervalMs: 1_000 });
    worker.define("work", () => null);
    await worker.start({ scheduler: false });
    const observerClock = new ManualClock(start);
    const observer = await fileKairos(file, { clock: observerClock, presenceIntervalMs: 1_000 });
    expect(await observer.functions.liveWorkers("work")).toHaveLength(1);
    // The worker "hangs" (its clock never moves, so no more heartbeats); others move on.
    observerClock.set(start + 2_999);
    expect(await observer.functions.liveWorkers("work")).toHaveLength(1);
    observerClock.set(start + 3_001);
    expect(await observer.functions.liveWorkers("work")).toHaveLength(0);
  });
});

describe("unavailable functions", () => {
  it("fail their jobs at once with the reason, without retries, and show it in the registry", async () => {
    const k = await memoryKairos();
    k.defineUnavailable("broken", "cannot import ./x.js: boom", { maxAttempts: 5 });
    k.define("fine", () => "ok");
    await k.start();
    const bad = await k.enqueue("broken", {});
    const failed = await nextEvent(k, "job:failed", (e) => e.jobId === bad.id);
    expect(failed.error.message).toContain("cannot import ./x.js: boom");
    expect(await k.jobs.get(bad.id)).toMatchObject({ state: "failed", attempt: 1 });
    const good = await k.enqueue("fine", {});
    await nextEvent(k, "job:succeeded", (e) => e.jobId === good.id);
    const list = await k.functions.list();
    expect(list.find((f) => f.name === "broken")).toMatchObject({
      liveWorkers: 1,
      unavailable: ["cannot import ./x.js: boom"],
    });
  });
});
