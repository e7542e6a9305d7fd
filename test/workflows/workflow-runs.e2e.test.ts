/**
 * Workflows end to end through the library, on both stores: a run's tasks execute as jobs in
 * dependency order with `ctx.run`, trigger rules and SkipTask/FailTask decide the states,
 * retries wait their delay, cancel and clear work as Airflow's do, params are checked, and a
 * logical date has one run.
 */
import { describe, expect, it } from "vitest";
import { FailTask, SkipTask, type TaskRunContext } from "../../src/index.js";
import { nextEvent, waitFor } from "../helpers/async.js";
import { describePg } from "../helpers/postgres.js";
import { engineHarness, postgresSchema, type Backend } from "../helpers/backends.js";

const engine = engineHarness();

const fast = { pollIntervalMs: 20, concurrency: 8 } as const;

function suite(backend: Backend): void {
  it("runs tasks in dependency order, hands each its run context and upstream results", async () => {
    const k = await engine(backend.url());
    const seen: { task: string; run: TaskRunContext | undefined; payload: unknown }[] = [];
    k.define("extract", (payload, ctx) => {
      seen.push({ task: "extract", run: ctx.run, payload });
      return { rows: 3 };
    });
    k.define("load", (payload, ctx) => {
      seen.push({ task: "load", run: ctx.run, payload });
      return { loaded: (ctx.run?.upstream["extract"] as { rows: number }).rows };
    });
    await k.workflow("etl", {
      tasks: [
        { id: "extract", fn: "extract", payload: { day: "{{ logicalDate }}" } },
        { id: "load", fn: "load", dependsOn: ["extract"], payload: { full: "{{ params.full }}" } },
      ],
      params: { full: false },
    });
    await k.start(fast);
    const finished = nextEvent(k, "run:finished");
    const run = await k.runs.trigger("etl", {
      params: { full: true },
      logicalDate: Date.parse("2026-12-01T00:00:00Z"),
    });
    expect((await finished).state).toBe("success");
    const detail = await k.runs.get(run.id);
    expect(detail?.state).toBe("success");
    expect(detail?.tasks.map((t) => [t.taskId, t.state, t.tryNumber])).toEqual([
      ["extract", "success", 1],
      ["load", "success", 1],
    ]);
    expect(seen.map((s) => s.task)).toEqual(["extract", "load"]);
    expect(seen[0]?.payload).toEqual({ day: "2026-12-01T00:00:00.000Z" });
    expect(seen[1]?.payload).toEqual({ full: true });
    expect(seen[1]?.run).toMatchObject({
      id: run.id,
      workflow: "etl",
      taskId: "load",
      tryNumber: 1,
      params: { full: true },
      upstream: { extract: { rows: 3 } },
    });
    expect(seen[1]?.run?.logicalDate.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    const loadJob = detail?.tasks[1]?.jobId;
    expect(loadJob).toBeTruthy();
    expect((await k.jobs.get(loadJob ?? ""))?.result).toEqual({ loaded: 3 });
  });

  it("SkipTask skips the task and all_success downstream; FailTask fails without retry", async () => {
    const k = await engine(backend.url());
    k.define("skip", () => {
      throw new SkipTask("nothing to do today");
    });
    k.define("fail", () => {
      throw new FailTask("bad input");
    });
    k.define("ok", () => "ok");
    await k.workflow("rules", {
      tasks: [
        { id: "a", fn: "skip" },
        { id: "b", fn: "ok", dependsOn: ["a"] },
        { id: "c", fn: "fail", retries: 3, retryDelay: "1s" },
        { id: "d", fn: "ok", dependsOn: ["c"] },
        { id: "e", fn: "ok", dependsOn: ["b", "d"], triggerRule: "all_done" },
      ],
    });
    await k.start(fast);
    const finished = nextEvent(k, "run:finished");
    const run = await k.runs.trigger("rules");
    // The only leaf, e (all_done), succeeds: the run succeeds, as Airflow decides from leaves.
    expect((await finished).state).toBe("success");
    const states = Object.fromEntries(
      ((await k.runs.get(run.id))?.tasks ?? []).map((t) => [t.taskId, [t.state, t.tryNumber]]),
    );
    expect(states).toEqual({
      a: ["skipped", 1],
      b: ["skipped", 0],
      c: ["failed", 1],
      d: ["upstream_failed", 0],
      e: ["success", 1],
    });
  });

  it("retries a failed task after its delay, counting tries", async () => {
    const k = await engine(backend.url());
    let calls = 0;
    k.define("flaky", () => {
      calls++;
      if (calls < 3) throw new Error(`try ${calls} failed`);
      return "done";
    });
    await k.workflow("retrying", {
      tasks: [{ id: "t", fn: "flaky", retries: 2, retryDelay: 50 }],
    });
    await k.start(fast);
    const finished = nextEvent(k, "run:finished");
    const run = await k.runs.trigger("retrying");
    expect((await finished).state).toBe("success");
    const task = (await k.runs.get(run.id))?.tasks[0];
    expect(task).toMatchObject({ state: "success", tryNumber: 3, maxTries: 3 });
    expect(calls).toBe(3);
  });

  it("refuses bad params and a second run for the same logical date", async () => {
    const k = await engine(backend.url());
    k.define("ok", () => "ok");
    await k.workflow("p", { tasks: [{ id: "t", fn: "ok" }], params: { limit: 10 } });
    await expect(k.runs.trigger("p", { params: { limit: "ten" } })).rejects.toThrow(/limit/);
    await expect(k.runs.trigger("p", { params: { other: 1 } })).rejects.toThrow(/other/);
    const logicalDate = Date.parse("2026-11-30T00:00:00Z");
    await k.runs.trigger("p", { logicalDate });
    await expect(k.runs.trigger("p", { logicalDate })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await k.runs.list({ workflow: "p" })).toHaveLength(1);
  });

  it("rejects a cycle, an unknown dependency and an unknown function, naming them", async () => {
    const k = await engine(backend.url());
    k.define("ok", () => "ok");
    await expect(
      k.workflow("cyc", {
        tasks: [
          { id: "a", fn: "ok", dependsOn: ["b"] },
          { id: "b", fn: "ok", dependsOn: ["a"] },
        ],
      }),
    ).rejects.toThrow(/cycle.*a.*b|cycle.*b.*a/s);
    await expect(
      k.workflow("dep", { tasks: [{ id: "a", fn: "ok", dependsOn: ["nope"] }] }),
    ).rejects.toThrow(/nope/);
    await expect(k.workflow("fn", { tasks: [{ id: "a", fn: "missing" }] })).rejects.toThrow(
      /missing/,
    );
    expect(await k.workflows.list()).toEqual([]);
  });

  it("cancel aborts the running task and ends the run failed; clear reruns it", async () => {
    const k = await engine(backend.url());
    let block = true;
    k.define("slow", async (_p, ctx) => {
      if (!block) return "fast now";
      await new Promise((_, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
      );
    });
    k.define("ok", () => "ok");
    await k.workflow("c", {
      tasks: [
        { id: "slow", fn: "slow" },
        { id: "after", fn: "ok", dependsOn: ["slow"] },
      ],
    });
    await k.start({ ...fast, cancelGraceMs: 100 });
    const run = await k.runs.trigger("c");
    await waitFor(
      async () => (await k.runs.get(run.id))?.tasks[0]?.state === "running",
      "slow running",
    );
    const cancelled = await k.runs.cancel(run.id, { note: "wrong day" });
    expect(cancelled.state).toBe("failed");
    expect(cancelled.note).toBe("wrong day");
    const slowJob = cancelled.tasks[0]?.jobId ?? "";
    await waitFor(async () => (await k.jobs.get(slowJob))?.state === "cancelled", "job cancelled");
    expect(cancelled.tasks[1]?.state).not.toBe("success");

    block = false;
    const finished = nextEvent(k, "run:finished", (e) => e.runId === run.id);
    const cleared = await k.runs.clear(run.id, { tasks: ["slow"], downstream: true });
    expect(cleared.state).toBe("running");
    expect((await finished).state).toBe("success");
    const after = await k.runs.get(run.id);
    expect(after?.tasks.map((t) => t.state)).toEqual(["success", "success"]);
    expect(after?.tasks[0]?.tryNumber).toBe(2);
  });

  it("why names the concurrency key a task waits on and the job holding it", async () => {
    const k = await engine(backend.url());
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    k.define("hold", () => held);
    k.define("ok", () => "ok");
    await k.workflow("keyed", {
      tasks: [{ id: "t", fn: "ok", concurrency: { key: "warehouse", limit: 1 } }],
    });
    await k.start(fast);
    const holder = await k.enqueue("hold", {}, { key: "warehouse" });
    await waitFor(async () => (await k.jobs.get(holder.id))?.state === "running", "holder runs");
    const run = await k.runs.trigger("keyed");
    await waitFor(async () => (await k.runs.get(run.id))?.tasks[0]?.jobId, "task queued");
    const why = await k.runs.why(run.id, "t");
    expect(why.lines.join("\n")).toMatch(/warehouse/);
    expect(why.lines.join("\n")).toContain(holder.id);
    release();
    expect((await nextEvent(k, "run:finished", (e) => e.runId === run.id)).state).toBe("success");
  });

  it("why explains a task waiting on its upstream", async () => {
    const k = await engine(backend.url());
    k.define("ok", () => "ok");
    await k.workflow("w", {
      tasks: [
        { id: "first", fn: "ok" },
        { id: "second", fn: "ok", dependsOn: ["first"] },
      ],
    });
    // No worker started: the run stays at its first task.
    const run = await k.runs.trigger("w");
    await k.tickWorkflows();
    const why = await k.runs.why(run.id, "second");
    expect(why.state).toBe("none");
    expect(why.summary + why.lines.join("\n")).toMatch(/first/);
  });
}

describe("workflows on SQLite", () => {
  suite({ name: "sqlite", url: () => "sqlite::memory:" });
});

describePg("workflows on PostgreSQL", () => {
  suite(postgresSchema);
});
