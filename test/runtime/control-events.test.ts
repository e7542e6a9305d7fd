/**
 * The events of stop and start (docs/control.md): `control:requested` / `control:resolved`
 * from the process that records or resolves a request, `job:stopped` whichever way a job ended
 * stopped, and the start-time checks: a start of a job whose function is defined nowhere is
 * refused at once, and a start the grace window failed is in the job's log.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ControlRefusedError } from "../../src/core/errors.js";
import type { Kairos, KairosEventMap, JobContext } from "../../src/index.js";
import { collect, waitFor } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";

type Recorded =
  | ["control:requested", KairosEventMap["control:requested"]]
  | ["control:resolved", KairosEventMap["control:resolved"]]
  | ["job:stopped", KairosEventMap["job:stopped"]];

/** Every control event and job:stopped the engine emits, in order. */
function record(kairos: Kairos): Recorded[] {
  const seen: Recorded[] = [];
  kairos.on("control:requested", (e) => seen.push(["control:requested", e]));
  kairos.on("control:resolved", (e) => seen.push(["control:resolved", e]));
  kairos.on("job:stopped", (e) => seen.push(["job:stopped", e]));
  return seen;
}

/** The events as [name, kind/by, generation, status] rows, for compact assertions. */
function rows(seen: readonly Recorded[]): unknown[][] {
  return seen.map((r) =>
    r[0] === "job:stopped" ? [r[0], r[1].by] : [r[0], r[1].kind, r[1].generation, r[1].status],
  );
}

describe("control events", () => {
  it("a queued job's stop: requested completed, resolved, and job:stopped by the request", async () => {
    const kairos = await memoryKairos();
    const seen = record(kairos);
    kairos.define("later", () => null);
    const job = await kairos.enqueue("later", {});
    const stop = await kairos.jobs.stop(job.id, { requestedBy: "ops" });
    expect(rows(seen)).toEqual([
      ["control:requested", "stop", 1, "completed"],
      ["control:resolved", "stop", 1, "completed"],
      ["job:stopped", "request"],
    ]);
    expect(seen[0]![1]).toMatchObject({
      requestId: stop.id,
      targetKind: "job",
      targetId: job.id,
      requestedBy: "ops",
      fn: "later",
    });
    expect(seen[2]![1]).toMatchObject({ jobId: job.id, fn: "later" });
    // Asking again records nothing, so announces nothing.
    await kairos.jobs.stop(job.id);
    expect(seen).toHaveLength(3);
  });

  it("a running job's stop: requested pending, then job:stopped and resolved by its worker", async () => {
    const kairos = await fileKairos(path.join(tempDir(), "kairos.db"));
    const seen = record(kairos);
    kairos.define("long", async (_p: unknown, ctx: JobContext) => {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      await ctx.saveCheckpoint({ at: 1 });
    });
    await kairos.start({ concurrency: 1 });
    const job = await kairos.enqueue("long", {});
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "running", "running");
    const stop = await kairos.jobs.stop(job.id);
    await waitFor(() => seen.length >= 3, "the stop carried out");
    expect(rows(seen)).toEqual([
      ["control:requested", "stop", 1, "pending"],
      ["job:stopped", "worker"],
      ["control:resolved", "stop", 1, "completed"],
    ]);
    expect(seen[2]![1]).toMatchObject({ requestId: stop.id, fn: "long", error: null });
  });

  it("a dead worker's job: lease recovery carries the stop out, job:stopped by recovery, resolved", async () => {
    const file = path.join(tempDir(), "kairos.db");
    const kairos = await fileKairos(file);
    const seen = record(kairos);
    kairos.define("work", () => null);
    const job = await kairos.enqueue("work", {});
    const dead = await openSqliteJobStore({ path: file });
    await dead.claim({ workerId: "dead", fns: ["work"], limit: 1, now: Date.now(), leaseMs: 100 });
    await dead.close();
    await kairos.jobs.stop(job.id);
    await kairos.start({ workers: false, recoverIntervalMs: 50 });
    await waitFor(() => seen.length >= 3, "the stop carried out by recovery");
    expect(rows(seen)).toEqual([
      ["control:requested", "stop", 1, "pending"],
      ["job:stopped", "recovery"],
      ["control:resolved", "stop", 1, "completed"],
    ]);
  });

  it("a start: requested pending, resolved completed when the worker acknowledges it", async () => {
    const kairos = await fileKairos(path.join(tempDir(), "kairos.db"));
    kairos.define("later", (_p: unknown, ctx: JobContext) => ctx.generation);
    const job = await kairos.enqueue("later", {});
    await kairos.jobs.stop(job.id);
    const seen = record(kairos);
    const start = await kairos.jobs.start(job.id);
    expect(rows(seen)).toEqual([["control:requested", "start", 2, "pending"]]);
    await kairos.start({ concurrency: 1 });
    await waitFor(async () => (await kairos.jobs.get(job.id))?.state === "succeeded", "ran");
    await waitFor(() => seen.length >= 2, "the start acknowledged");
    expect(rows(seen)).toEqual([
      ["control:requested", "start", 2, "pending"],
      ["control:resolved", "start", 2, "completed"],
    ]);
    expect(seen[1]![1]).toMatchObject({ requestId: start.id, targetId: job.id, fn: "later" });
  });

  it("a start the grace window fails: resolved failed with the error, which is in the job's log too", async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const kairos = await memoryKairos({ clock, startGraceMs: 1_000 });
    kairos.define("later", () => null); // known, but no worker runs here
    const job = await kairos.enqueue("later", {});
    await kairos.jobs.stop(job.id);
    const seen = record(kairos);
    const logged = collect(kairos, "job:log");
    const start = await kairos.jobs.start(job.id);
    await kairos.start({ workers: false });
    await waitFor(async () => {
      await clock.advanceAsync(250);
      return seen.some(([name]) => name === "control:resolved");
    }, "the start to fail");
    expect(rows(seen)).toEqual([
      ["control:requested", "start", 2, "pending"],
      ["control:resolved", "start", 2, "failed"],
    ]);
    const failed = seen[1]![1] as KairosEventMap["control:resolved"];
    expect(failed).toMatchObject({ requestId: start.id, fn: "later" });
    expect(failed.error).toMatch(/no worker began the restarted job within the start grace window/);
    const logs = await kairos.jobs.logs(job.id);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: expect.stringMatching(
          /^start \(generation 2\) failed: no worker began the restarted job/,
        ) as unknown,
      }),
    );
    expect(logged).toEqual([expect.objectContaining({ jobId: job.id, fn: "later", lines: 1 })]);
    expect((await kairos.jobs.get(job.id))?.state).toBe("stopped");
  });
});

describe("start-time checks", () => {
  it("refuses at once the start of a job whose function is unavailable everywhere (its module fails to load)", async () => {
    const file = path.join(tempDir(), "kairos.db");
    const kairos = await fileKairos(file);
    kairos.defineUnavailable("broken", "cannot find module ./jobs/broken.js");
    const job = await kairos.enqueue("broken", {});
    await kairos.jobs.stop(job.id);
    const refused = await kairos.jobs.start(job.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "CONTROL_REFUSED", reason: "function_unavailable" });
    expect((refused as Error).message).toMatch(
      /function "broken" is unavailable on every process that defines it \(cannot find module/,
    );
    expect((await kairos.jobs.get(job.id))?.state).toBe("stopped");
    // Fixed in another worker (it loads the module): the start is accepted.
    const fixed = await fileKairos(file);
    fixed.define("broken", () => null);
    await fixed.start({ concurrency: 1 });
    await waitFor(
      async () => (await kairos.functions.liveWorkers("broken")).some((w) => !w.unavailable),
      "a live worker that can run broken",
    );
    await expect(kairos.jobs.start(job.id)).resolves.toMatchObject({ generation: 2 });
    await fixed.stop({ drainMs: 0 });
  });

  it("refuses at once the start of a job whose function is defined nowhere; nothing recorded", async () => {
    const kairos = await fileKairos(path.join(tempDir(), "kairos.db"));
    const job = await kairos.enqueue("gone", {}, { allowUnknown: true });
    await kairos.jobs.stop(job.id);
    const seen = record(kairos);
    const refused = await kairos.jobs.start(job.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ControlRefusedError);
    expect(refused).toMatchObject({ code: "CONTROL_REFUSED", reason: "function_unknown" });
    expect((refused as Error).message).toMatch(/function "gone" is not defined/);
    expect((refused as Error).message).toMatch(/define "gone"/);
    expect((await kairos.jobs.get(job.id))?.state).toBe("stopped");
    expect((await kairos.jobs.requests(job.id)).map((r) => r.kind)).toEqual(["stop"]);
    expect(seen).toEqual([]);
    // Defined again: the start is accepted.
    kairos.define("gone", () => null);
    await expect(kairos.jobs.start(job.id)).resolves.toMatchObject({ generation: 2 });
  });

  it("a run's start whose task function is defined nowhere fails at once with the reason (never stuck pending)", async () => {
    const file = path.join(tempDir(), "kairos.db");
    const k = await fileKairos(file);
    k.define("ghost", () => null); // known here only: no worker ever registered it
    await k.workflow("g", { tasks: [{ id: "t", fn: "ghost" }] });
    const run = await k.runs.trigger("g");
    await k.tickWorkflows();
    expect((await k.runs.stop(run.id)).status).toBe("completed");
    const other = await fileKairos(file); // does not define ghost
    const start = await other.runs.start(run.id);
    expect(start.status).toBe("failed");
    expect(start.error).toMatch(/^task t: .*function "ghost" is not defined/);
    expect((await other.runs.get(run.id))?.state).toBe("stopped");
  });
});
