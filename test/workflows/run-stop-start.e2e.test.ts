/**
 * Durable stop and start of workflow runs (docs/control.md, issue 11 item 6) on both stores:
 * a stopped run plans no new task, its running task's handler gets its stop signal and saves a
 * checkpoint, the run and the task end `stopped`; a start resumes that task from its
 * checkpoint as generation 2, never re-runs a finished task, and the run succeeds. Also: start
 * refused while the stop is unresolved and accepted once it settles; the final re-check per
 * task; a run whose task is only queued stops at once; a stop recorded by a process that died
 * before carrying it out is carried out by the leader's duty; a finished run is refused.
 */
import { describe, expect, it } from "vitest";
import { ControlRefusedError, JobStoppedError } from "../../src/core/errors.js";
import { openStores, type JobContext, type Kairos } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { describePg } from "../helpers/postgres.js";
import { engineHarness, postgresSchema, sqliteFile, type Backend } from "../helpers/backends.js";

const engine = engineHarness();

const STEPS = 300;

/** A three-task workflow: prep -> backfill (checkpointed steps) -> finish. */
async function defineMigration(k: Kairos, counts: Map<string, number>, done: number[]) {
  const seen: { generation: number; checkpoint: unknown; reason: unknown }[] = [];
  const count = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  k.define("prep", () => count("prep"));
  k.define("finish", () => count("finish"));
  k.define("backfill", async (_payload: unknown, ctx: JobContext) => {
    count("backfill");
    const from = (ctx.checkpoint as { next: number } | null)?.next ?? 0;
    seen.push({ generation: ctx.generation, checkpoint: ctx.checkpoint, reason: null });
    for (let step = from; step < STEPS; step++) {
      if (ctx.signal.aborted) {
        seen.at(-1)!.reason = ctx.signal.reason;
        return;
      }
      done.push(step);
      await ctx.saveCheckpoint({ next: step + 1 });
      if (step % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
  });
  await k.workflow("migration", {
    tasks: [
      { id: "prep", fn: "prep" },
      { id: "backfill", fn: "backfill", dependsOn: ["prep"] },
      { id: "finish", fn: "finish", dependsOn: ["backfill"] },
    ],
  });
  return seen;
}

const taskState = async (k: Kairos, runId: string, task: string) =>
  (await k.runs.get(runId))?.tasks.find((t) => t.taskId === task)?.state;

function runStopStartSuite(backend: Backend): void {
  it("stops a run mid-task and starts it again: the task resumes from its checkpoint, nothing finished runs twice", async () => {
    const k = await engine(backend.url());
    const counts = new Map<string, number>();
    const done: number[] = [];
    const seen = await defineMigration(k, counts, done);
    const control: string[] = [];
    k.on("control:requested", (e) =>
      control.push(`requested ${e.targetKind} ${e.kind} g${e.generation} ${e.status}`),
    );
    k.on("control:resolved", (e) =>
      control.push(`resolved ${e.targetKind} ${e.kind} g${e.generation} ${e.status}`),
    );
    k.on("run:stopped", (e) => control.push(`run:stopped g${e.generation}`));
    await k.start({ concurrency: 2, pollIntervalMs: 20, workflows: { intervalMs: 50 } });
    const run = await k.runs.trigger("migration");
    await waitFor(() => done.length >= 50, "50 backfill steps done");

    const stop = await k.runs.stop(run.id, { requestedBy: "test" });
    expect(stop).toMatchObject({ kind: "stop", runId: run.id, generation: 1, requestedBy: "test" });
    await waitFor(async () => (await k.runs.get(run.id))?.state === "stopped", "run stopped");
    await waitFor(
      async () => (await k.runs.requests(run.id))[0]?.status === "completed",
      "the run's stop completed",
    );
    expect(await taskState(k, run.id, "backfill")).toBe("stopped");
    expect(await taskState(k, run.id, "finish")).toBe("none");
    expect(seen[0]!.reason).toBeInstanceOf(JobStoppedError);
    const stepsBefore = done.length;
    expect(stepsBefore).toBeLessThan(STEPS);

    // A stopped run plans nothing and starts by itself never.
    await new Promise((r) => setTimeout(r, 200));
    expect((await k.runs.get(run.id))?.state).toBe("stopped");
    expect(counts.get("finish")).toBeUndefined();

    const start = await k.runs.start(run.id);
    expect(start).toMatchObject({ kind: "start", generation: 2 });
    await waitFor(async () => (await k.runs.get(run.id))?.state === "success", "run success");
    expect(seen[1]).toMatchObject({ generation: 2, checkpoint: { next: stepsBefore } });
    expect(done).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    expect(Object.fromEntries(counts)).toEqual({ prep: 1, backfill: 2, finish: 1 });
    await waitFor(
      async () => (await k.runs.requests(run.id)).every((r) => r.status === "completed"),
      "both requests completed",
    );
    const requests = await k.runs.requests(run.id);
    expect(requests.map((r) => [r.kind, r.generation, r.status])).toEqual([
      ["stop", 1, "completed"],
      ["start", 2, "completed"],
    ]);
    // The run's own requests, and its task job's, as events (in the feed and SSE too).
    expect(control.filter((line) => line.includes(" run ") || line.startsWith("run:"))).toEqual([
      "requested run stop g1 pending",
      "resolved run stop g1 completed",
      "run:stopped g1",
      "requested run start g2 pending",
      "resolved run start g2 completed",
    ]);
    expect(control).toContain("resolved job stop g1 completed");
    expect(control).toContain("resolved job start g2 completed");
  });

  it("refuses a start while the run's stop is unresolved and accepts it once the stop settles", async () => {
    const k = await engine(backend.url());
    let release = (): void => undefined;
    let entered = false;
    k.define("stubborn", (_p: unknown, ctx: JobContext) => {
      if (ctx.generation > 1) return "second";
      entered = true;
      return new Promise<string>((resolve) => (release = () => resolve("ignored the stop")));
    });
    await k.workflow("slow", { tasks: [{ id: "t", fn: "stubborn" }] });
    await k.start({ concurrency: 1, pollIntervalMs: 20, cancelGraceMs: 60_000 });
    const run = await k.runs.trigger("slow");
    await waitFor(() => entered, "the task's handler to run");
    const stop = await k.runs.stop(run.id);
    expect(stop.status).toBe("pending");
    const refused = await k.runs.start(run.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ControlRefusedError);
    expect(refused).toMatchObject({ code: "CONTROL_REFUSED", reason: "stop_unresolved" });
    release();
    await waitFor(
      async () => (await k.runs.requests(run.id))[0]?.status === "completed",
      "the stop settles once the handler returns",
    );
    const start = await k.runs.start(run.id);
    expect(start).toMatchObject({ kind: "start", generation: 2 });
    await waitFor(async () => (await k.runs.get(run.id))?.state === "success", "run success");
  });

  it("final re-check: a stopped task whose remaining() says done completes without its handler", async () => {
    const k = await engine(backend.url());
    let calls = 0;
    let entered = false;
    k.define(
      "copy",
      async (_p: unknown, ctx: JobContext) => {
        calls++;
        entered = true;
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        await ctx.saveCheckpoint({ copied: "all" });
      },
      {
        remaining: (_payload, checkpoint) => (checkpoint as { copied?: string })?.copied !== "all",
      },
    );
    k.define("after", () => "after");
    await k.workflow("copying", {
      tasks: [
        { id: "copy", fn: "copy" },
        { id: "after", fn: "after", dependsOn: ["copy"] },
      ],
    });
    await k.start({ concurrency: 1, pollIntervalMs: 20 });
    const run = await k.runs.trigger("copying");
    await waitFor(() => entered, "copy running");
    await k.runs.stop(run.id);
    await waitFor(async () => (await taskState(k, run.id, "copy")) === "stopped", "copy stopped");
    await k.runs.start(run.id);
    await waitFor(async () => (await k.runs.get(run.id))?.state === "success", "run success");
    expect(calls).toBe(1);
    expect(await taskState(k, run.id, "copy")).toBe("success");
    expect(await taskState(k, run.id, "after")).toBe("success");
  });

  it("stops a run whose task is only queued at once; the start waits for a worker", async () => {
    const url = backend.url();
    const k = await engine(url);
    k.define("quick", () => "ok");
    await k.workflow("q", { tasks: [{ id: "t", fn: "quick" }] });
    const run = await k.runs.trigger("q");
    await k.tickWorkflows(); // the task's job is queued; no worker runs here
    expect(await taskState(k, run.id, "t")).toBe("queued");
    const stop = await k.runs.stop(run.id);
    expect(stop.status).toBe("completed");
    expect((await k.runs.get(run.id))?.state).toBe("stopped");
    expect(await taskState(k, run.id, "t")).toBe("stopped");

    const start = await k.runs.start(run.id);
    expect(start).toMatchObject({ kind: "start", generation: 2, status: "pending" });
    expect((await k.runs.get(run.id))?.state).toBe("running");
    const worker = await engine(url);
    worker.define("quick", () => "ok");
    // The leader's passes are rare here: the start completes on the worker's acknowledgement.
    await worker.start({ concurrency: 1, pollIntervalMs: 20, workflows: { intervalMs: 600_000 } });
    await waitFor(async () => (await k.runs.get(run.id))?.state === "success", "run success");
    await waitFor(
      async () => (await k.runs.requests(run.id)).at(-1)?.status === "completed",
      "the start completed once a worker began the task",
    );
  });

  it("a stop recorded by a process that died before carrying it out is carried out by the leader", async () => {
    const url = backend.url();
    const k = await engine(url);
    // Runs until its stop reaches it, so the run is still running when the leader drives it.
    k.define(
      "quick",
      (_p: unknown, ctx: JobContext) =>
        new Promise((resolve) => ctx.signal.addEventListener("abort", resolve)),
    );
    await k.workflow("q", { tasks: [{ id: "t", fn: "quick" }] });
    const run = await k.runs.trigger("q");
    await k.tickWorkflows();
    // Only the record, as a process killed right after it would leave it.
    const stores = await openStores(url);
    try {
      const recorded = await stores.control!.stopRun(run.id, "dead process", Date.now());
      expect(recorded.request.status).toBe("pending");
    } finally {
      await stores.close();
    }
    expect((await k.runs.get(run.id))?.state).toBe("running");
    await k.start({ concurrency: 1, pollIntervalMs: 20, workflows: { intervalMs: 50 } });
    await waitFor(async () => (await k.runs.get(run.id))?.state === "stopped", "run stopped");
    await waitFor(
      async () => (await k.runs.requests(run.id))[0]?.status === "completed",
      "the stop completed by the leader's duty",
    );
  });

  it("a run start whose task no worker begins fails with the task's reason; the run stays stopped", async () => {
    const url = backend.url();
    const k = await engine(url);
    let entered = false;
    k.define("work", (_p: unknown, ctx: JobContext) => {
      entered = true;
      return new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    });
    await k.workflow("w", { tasks: [{ id: "t", fn: "work" }] });
    await k.start({ concurrency: 1, pollIntervalMs: 20 });
    const run = await k.runs.trigger("w");
    await waitFor(() => entered, "the task running");
    await k.runs.stop(run.id);
    await waitFor(
      async () => (await k.runs.requests(run.id))[0]?.status === "completed",
      "the run's stop completed",
    );
    await k.stop({ drainMs: 0 }); // its only worker is gone
    const lone = await engine(url, { startGraceMs: 300 });
    await lone.start({ workers: false, workflows: { intervalMs: 50 } });
    const start = await lone.runs.start(run.id);
    const failed = await waitFor(async () => {
      const requests = await lone.runs.requests(run.id);
      return requests.find((r) => r.id === start.id && r.status === "failed");
    }, "the run's start to fail");
    expect(failed.error).toMatch(/^task t: /);
    expect((await lone.runs.get(run.id))?.state).toBe("stopped");
    await waitFor(async () => (await taskState(lone, run.id, "t")) === "stopped", "t stopped");
    // Nothing retries it; a new start may be asked.
    await expect(lone.runs.start(run.id)).resolves.toMatchObject({ kind: "start", generation: 3 });
  });

  it("refuses to stop or start a finished run, and says so for an unknown one", async () => {
    const k = await engine(backend.url());
    k.define("quick", () => "ok");
    await k.workflow("q", { tasks: [{ id: "t", fn: "quick" }] });
    await k.start({ concurrency: 1, pollIntervalMs: 20, workflows: { intervalMs: 50 } });
    const run = await k.runs.trigger("q");
    await waitFor(async () => (await k.runs.get(run.id))?.state === "success", "run success");
    await expect(k.runs.stop(run.id)).rejects.toMatchObject({
      code: "CONTROL_REFUSED",
      reason: "finished",
    });
    await expect(k.runs.start(run.id)).rejects.toMatchObject({ code: "CONTROL_REFUSED" });
    await expect(k.runs.stop("987654")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
}

describe("run stop and start on SQLite", () => {
  runStopStartSuite(sqliteFile);
});

describePg("run stop and start on PostgreSQL", () => {
  runStopStartSuite(postgresSchema);
});
