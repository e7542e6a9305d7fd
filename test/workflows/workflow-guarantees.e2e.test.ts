/**
 * The guarantees of workflows (issue 9) pinned end to end on both stores: catch-up through the
 * leader's workflow pass with a manual clock (logical dates and data intervals across the DST
 * change, both run semantics, maxActiveRuns order, catchup off records skipped intervals);
 * one run per logical date with two engines ticking; maxActiveRuns / maxActiveTasks hold;
 * retries wait their delay on the manual clock; the dispatch-lost reaper; a crash between
 * "task done" and "run advanced" is picked up by the next engine's sweep.
 */
import { describe, expect, it } from "vitest";
import { openStores, type Kairos, type WorkflowRun } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { describePg } from "../helpers/postgres.js";
import { engineHarness, postgresSchema, sqliteFile, type Backend } from "../helpers/backends.js";

const engine = engineHarness();

const H = 3_600_000;
const iso = (d: Date | null | undefined): string | undefined => d?.toISOString();
const byDate = (a: WorkflowRun, b: WorkflowRun): number =>
  a.logicalDate.getTime() - b.logicalDate.getTime();

/**
 * waitFor with a manual clock that creeps forward 5 ms per poll: the workers' poll timers run
 * on that clock, and on PostgreSQL a worker on a frozen clock was seen to miss a wake-up (see
 * the report); the exact instants asserted below are read from the store, not assumed.
 */
async function settle<T>(
  check: () => Promise<T>,
  what: string,
  clock: ManualClock,
): Promise<NonNullable<T>> {
  return waitFor(
    async () => {
      const value = await check();
      if (!value) await clock.advanceAsync(5);
      return value;
    },
    what,
    20_000,
  );
}

async function runsOf(k: Kairos, workflow: string): Promise<WorkflowRun[]> {
  return (await k.runs.list({ workflow, limit: 10_000 })).sort(byDate);
}

/** Daily 03:00 Paris fires (UTC) around the 2026-10-25 change: 01:00Z before, 02:00Z after. */
const FIRES = [
  "2026-10-21T01:00:00.000Z",
  "2026-10-22T01:00:00.000Z",
  "2026-10-23T01:00:00.000Z",
  "2026-10-24T01:00:00.000Z",
  "2026-10-25T02:00:00.000Z",
  "2026-10-26T02:00:00.000Z",
  "2026-10-27T02:00:00.000Z",
  "2026-10-28T02:00:00.000Z",
];
const parisDaily = {
  schedule: { cron: "0 3 * * *", timezone: "Europe/Paris" },
  startDate: "2026-10-22",
} as const;

function suite(backend: Backend): void {
  describe("catch-up through the leader pass (manual clock)", () => {
    it("dataInterval: one run per missed interval, in order, 25 h across the change; next at its end", async () => {
      const clock = new ManualClock(Date.parse("2026-10-27T12:00:00Z"));
      const k = await engine(backend.url(), { clock });
      k.define("ok", () => "ok");
      await k.workflow("daily", {
        tasks: [{ id: "t", fn: "ok" }],
        ...parisDaily,
        catchup: true,
        maxActiveRuns: 1,
      });
      await k.tickWorkflows();
      const runs = await runsOf(k, "daily");
      expect(runs.map((r) => iso(r.logicalDate))).toEqual(FIRES.slice(1, 6));
      expect(runs.map((r) => [iso(r.dataInterval.start), iso(r.dataInterval.end)])).toEqual(
        FIRES.slice(1, 6).map((f, i) => [f, FIRES[i + 2]]),
      );
      const hours = runs.map(
        (r) => (r.dataInterval.end.getTime() - r.dataInterval.start.getTime()) / H,
      );
      expect(hours).toEqual([24, 24, 25, 24, 24]);
      // maxActiveRuns 1: only the oldest started.
      expect(runs.map((r) => r.state)).toEqual(["running", "queued", "queued", "queued", "queued"]);

      // The next interval [10-27 02Z, 10-28 02Z) is due at its end, not before.
      clock.set(Date.parse(FIRES[7] ?? "") - 1);
      await k.tickWorkflows();
      expect(await runsOf(k, "daily")).toHaveLength(5);
      clock.set(FIRES[7] ?? "");
      await k.tickWorkflows();
      const after = await runsOf(k, "daily");
      expect(after.map((r) => iso(r.logicalDate))).toEqual(FIRES.slice(1, 7));
    });

    it("trigger: the logical date is the fire time, the interval [previous fire, fire)", async () => {
      const clock = new ManualClock(Date.parse("2026-10-27T12:00:00Z"));
      const k = await engine(backend.url(), { clock });
      k.define("ok", () => "ok");
      await k.workflow("daily", {
        tasks: [{ id: "t", fn: "ok" }],
        ...parisDaily,
        catchup: true,
        runSemantics: "trigger",
      });
      await k.tickWorkflows();
      const runs = await runsOf(k, "daily");
      expect(runs.map((r) => iso(r.logicalDate))).toEqual(FIRES.slice(1, 7));
      expect(runs.map((r) => [iso(r.dataInterval.start), iso(r.dataInterval.end)])).toEqual(
        FIRES.slice(1, 7).map((f, i) => [FIRES[i], f]),
      );
      const hours = runs.map(
        (r) => (r.dataInterval.end.getTime() - r.dataInterval.start.getTime()) / H,
      );
      expect(hours).toEqual([24, 24, 24, 25, 24, 24]);
      clock.set(Date.parse(FIRES[7] ?? "") - 1);
      await k.tickWorkflows();
      expect(await runsOf(k, "daily")).toHaveLength(6);
      clock.set(FIRES[7] ?? "");
      await k.tickWorkflows();
      expect((await runsOf(k, "daily")).map((r) => iso(r.logicalDate))).toEqual(FIRES.slice(1, 8));
    });

    it("dataInterval across the spring change (2026-03-29): the short interval is 23 h", async () => {
      const clock = new ManualClock(Date.parse("2026-03-31T12:00:00Z"));
      const k = await engine(backend.url(), { clock });
      k.define("ok", () => "ok");
      await k.workflow("spring", {
        tasks: [{ id: "t", fn: "ok" }],
        schedule: { cron: "0 3 * * *", timezone: "Europe/Paris" },
        startDate: "2026-03-27",
        catchup: true,
      });
      await k.tickWorkflows();
      const runs = await runsOf(k, "spring");
      expect(runs.map((r) => iso(r.logicalDate))).toEqual([
        "2026-03-27T02:00:00.000Z",
        "2026-03-28T02:00:00.000Z",
        "2026-03-29T01:00:00.000Z",
        "2026-03-30T01:00:00.000Z",
      ]);
      const hours = runs.map(
        (r) => (r.dataInterval.end.getTime() - r.dataInterval.start.getTime()) / H,
      );
      expect(hours).toEqual([24, 23, 24, 24]);
    });

    it("maxActiveRuns 1 runs the backlog one at a time in logical-date order", async () => {
      const clock = new ManualClock(Date.parse("2026-10-27T12:00:00Z"));
      const k = await engine(backend.url(), { clock });
      const order: string[] = [];
      k.on("run:started", (e) => order.push(`start ${e.runId}`));
      k.on("run:finished", (e) => order.push(`end ${e.runId}`));
      k.define("ok", () => "ok");
      await k.workflow("daily", {
        tasks: [
          { id: "a", fn: "ok" },
          { id: "b", fn: "ok", dependsOn: ["a"] },
        ],
        ...parisDaily,
        catchup: true,
        maxActiveRuns: 1,
      });
      await k.start({ scheduler: false, pollIntervalMs: 20 });
      await k.tickWorkflows();
      // run:finished is emitted after the run's commit (on PostgreSQL through the event feed):
      // wait for the fifth event too, not only for the stored state.
      await settle(
        async () =>
          order.length >= 10 && (await runsOf(k, "daily")).every((r) => r.state === "success"),
        "every catch-up run succeeded and its run:finished arrived",
        clock,
      );
      const runs = await runsOf(k, "daily");
      expect(runs).toHaveLength(5);
      // Strictly alternating start/end, in logical-date order: never two running at once.
      expect(order).toEqual(runs.flatMap((r) => [`start ${r.id}`, `end ${r.id}`]));
      for (let i = 1; i < runs.length; i++) {
        expect(runs[i]?.startedAt?.getTime()).toBeGreaterThanOrEqual(
          runs[i - 1]?.finishedAt?.getTime() ?? Infinity,
        );
      }
    });

    it("catchup false creates only the latest interval and records the others interval_skipped", async () => {
      const clock = new ManualClock(Date.parse("2026-10-27T12:00:00Z"));
      const k = await engine(backend.url(), { clock });
      k.define("ok", () => "ok");
      await k.workflow("daily", { tasks: [{ id: "t", fn: "ok" }], ...parisDaily, catchup: false });
      await k.tickWorkflows();
      const runs = await runsOf(k, "daily");
      expect(runs.map((r) => iso(r.logicalDate))).toEqual([FIRES[5]]);
      const skipped = (await k.workflows.history("daily"))
        .filter((h) => h.kind === "interval_skipped")
        .map((h) => iso(h.logicalDate))
        .sort();
      expect(skipped).toEqual(FIRES.slice(1, 5));
      clock.set(FIRES[7] ?? "");
      await k.tickWorkflows();
      expect((await runsOf(k, "daily")).map((r) => iso(r.logicalDate))).toEqual([
        FIRES[5],
        FIRES[6],
      ]);
    });
  });

  it("two engines ticking concurrently over a backlog create exactly one run per logical date", async () => {
    const url = backend.url();
    const clock = new ManualClock(Date.parse("2026-11-03T00:30:00Z"));
    const a = await engine(url, { clock });
    const b = await engine(url, { clock });
    for (const k of [a, b]) k.define("ok", () => "ok");
    await a.workflow("hourly", {
      tasks: [{ id: "t", fn: "ok" }],
      schedule: { cron: "0 * * * *", timezone: "UTC" },
      startDate: "2026-11-01T00:00:00Z",
      catchup: true,
      maxActiveRuns: 4,
    });
    // 48 complete hours in the backlog; ticks race in both engines.
    await Promise.all(
      [a, b].flatMap((k) =>
        Array.from({ length: 8 }, async () => {
          for (let i = 0; i < 3; i++) await k.tickWorkflows();
        }),
      ),
    );
    const runs = await runsOf(a, "hourly");
    const dates = runs.map((r) => r.logicalDate.getTime());
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates).toEqual(
      Array.from({ length: 48 }, (_, i) => Date.parse("2026-11-01T00:00:00Z") + i * H),
    );
    expect(runs.filter((r) => r.state === "running")).toHaveLength(4);
  });

  it("maxActiveRuns across two engines and maxActiveTasks within a run are never exceeded", async () => {
    const url = backend.url();
    const engines = [await engine(url), await engine(url)];
    const inFlight = new Map<string, number>(); // run id -> tasks in their handler
    let maxTasks = 0;
    let maxRuns = 0;
    for (const k of engines) {
      k.define("work", async (_p, ctx) => {
        const id = ctx.run?.id ?? "";
        inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
        maxTasks = Math.max(maxTasks, inFlight.get(id) ?? 0);
        maxRuns = Math.max(maxRuns, inFlight.size);
        await new Promise((r) => setTimeout(r, 15));
        const left = (inFlight.get(id) ?? 1) - 1;
        if (left === 0) inFlight.delete(id);
        else inFlight.set(id, left);
      });
    }
    await engines[0]?.workflow("limited", {
      tasks: [
        ...Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, fn: "work" })),
        { id: "join", fn: "work", dependsOn: ["p0", "p1", "p2", "p3", "p4", "p5"] },
      ],
      maxActiveRuns: 2,
      maxActiveTasks: 2,
    });
    for (const k of engines) {
      await k.start({ pollIntervalMs: 20, concurrency: 8, workflows: { intervalMs: 50 } });
    }
    const base = Date.parse("2026-12-01T00:00:00Z");
    for (let i = 0; i < 6; i++) {
      await engines[i % 2]?.runs.trigger("limited", { logicalDate: base + i * H });
    }
    let maxRunning = 0;
    await waitFor(
      async () => {
        const runs = await runsOf(engines[0] as Kairos, "limited");
        maxRunning = Math.max(maxRunning, runs.filter((r) => r.state === "running").length);
        return runs.length === 6 && runs.every((r) => r.state === "success");
      },
      "all six runs succeeded",
      30_000,
    );
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(maxRuns).toBeLessThanOrEqual(2);
    expect(maxTasks).toBeLessThanOrEqual(2);
    expect(maxTasks).toBe(2); // the limit was reached, so the test could see a breach
  });

  it("a failed try waits retryDelay on the clock: up_for_retry due at end + 30 s, runs after", async () => {
    const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
    const k = await engine(backend.url(), { clock });
    let calls = 0;
    k.define("flaky", () => {
      calls++;
      if (calls <= 2) throw new Error(`boom ${calls}`);
      return "ok";
    });
    await k.workflow("r", { tasks: [{ id: "t", fn: "flaky", retries: 2, retryDelay: "30s" }] });
    await k.start({ scheduler: false, pollIntervalMs: 20 });
    const run = await k.runs.trigger("r");
    await k.tickWorkflows();
    for (const tryNumber of [1, 2]) {
      const task = await settle(
        async () => {
          const t = (await k.runs.get(run.id))?.tasks[0];
          return t?.state === "up_for_retry" && t.tryNumber === tryNumber ? t : null;
        },
        `try ${tryNumber} up_for_retry`,
        clock,
      );
      const end = task.finishedAt?.getTime() ?? 0;
      expect(task.retryDueAt?.getTime()).toBe(end + 30_000);
      clock.set(end + 29_999);
      clock.runDue();
      await k.tickWorkflows();
      expect(calls).toBe(tryNumber);
      expect((await k.runs.get(run.id))?.tasks[0]?.state).toBe("up_for_retry");
      clock.set(end + 30_000);
      clock.runDue();
      await k.tickWorkflows();
      await settle(async () => calls === tryNumber + 1, `try ${tryNumber + 1} ran`, clock);
    }
    await settle(
      async () => (await k.runs.get(run.id))?.state === "success",
      "run succeeded",
      clock,
    );
    expect((await k.runs.get(run.id))?.tasks[0]).toMatchObject({ state: "success", tryNumber: 3 });
  });

  it("exponential backoff: each retry waits longer than the one before", async () => {
    const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
    const k = await engine(backend.url(), { clock });
    k.define("bad", () => {
      throw new Error("always");
    });
    await k.workflow("x", {
      tasks: [
        {
          id: "t",
          fn: "bad",
          retries: 3,
          retryDelay: "10s",
          retryExponentialBackoff: true,
        },
      ],
    });
    await k.start({ scheduler: false, pollIntervalMs: 20 });
    const run = await k.runs.trigger("x");
    await k.tickWorkflows();
    const delays: number[] = [];
    for (const tryNumber of [1, 2, 3]) {
      const task = await settle(
        async () => {
          const t = (await k.runs.get(run.id))?.tasks[0];
          return t?.state === "up_for_retry" && t.tryNumber === tryNumber ? t : null;
        },
        `try ${tryNumber} up_for_retry`,
        clock,
      );
      const due = task.retryDueAt?.getTime() ?? 0;
      delays.push(due - (task.finishedAt?.getTime() ?? 0));
      clock.set(due);
      clock.runDue();
      await k.tickWorkflows();
    }
    await settle(async () => (await k.runs.get(run.id))?.state === "failed", "run failed", clock);
    expect(delays[0]).toBeGreaterThanOrEqual(10_000);
    expect(delays[1]).toBeGreaterThan(delays[0] ?? Infinity);
    expect(delays[2]).toBeGreaterThan(delays[1] ?? Infinity);
    expect((await k.runs.get(run.id))?.tasks[0]).toMatchObject({ state: "failed", tryNumber: 4 });
  });

  it("the reaper fails a try whose job never starts DISPATCH_LOST, and retries it", async () => {
    const k = await engine(backend.url());
    await k.workflow(
      "lost",
      { tasks: [{ id: "t", fn: "nobody", retries: 1, retryDelay: "0s" }] },
      { allowUnknown: true },
    );
    await k.start({
      pollIntervalMs: 20,
      workflows: { intervalMs: 50, reaperIntervalMs: 50, dispatchTimeoutMs: 200 },
    });
    const run = await k.runs.trigger("lost");
    const failed = await waitFor(
      async () => {
        const r = await k.runs.get(run.id);
        return r?.state === "failed" ? r : null;
      },
      "run failed after two lost dispatches",
      20_000,
    );
    expect(failed.tasks[0]).toMatchObject({ state: "failed", tryNumber: 2 });
    expect(failed.tasks[0]?.error?.code).toBe("DISPATCH_LOST");
    const job = await k.jobs.get(failed.tasks[0]?.jobId ?? "");
    expect(job?.state).toBe("cancelled");
  });
}

/** Item 8: needs a store two engines open in turn (a file, or PostgreSQL). */
function crashBetweenDoneAndAdvance(url: () => string): void {
  it("a task job finalized without advancing its run is advanced by the next engine's sweep", async () => {
    const shared = url();
    const first = await engine(shared);
    first.define("ok", () => "ok");
    await first.workflow("w", {
      tasks: [
        { id: "a", fn: "ok" },
        { id: "b", fn: "ok", dependsOn: ["a"] },
      ],
    });
    const run = await first.runs.trigger("w");
    await first.tickWorkflows();
    const queued = await first.runs.get(run.id);
    expect(queued?.tasks.map((t) => t.state)).toEqual(["queued", "none"]);
    await first.stop({ drainMs: 0 });

    // "Task done" committed by a worker that dies before the run is advanced.
    const stores = await openStores(shared);
    try {
      const now = Date.now();
      const [claimed] = await stores.jobs.claim({
        workerId: "dying",
        fns: ["ok"],
        limit: 1,
        now,
        leaseMs: 60_000,
      });
      expect(claimed?.id).toBe(queued?.tasks[0]?.jobId);
      const applied = await stores.jobs.finalize(
        [
          {
            jobId: claimed?.id ?? "",
            leaseToken: claimed?.leaseToken ?? "",
            outcome: { kind: "succeeded", resultJson: '"done"' },
          },
        ],
        Date.now(),
      );
      expect(applied).toEqual([true]);
    } finally {
      await stores.jobs.close();
    }

    const second = await engine(shared);
    await second.tickWorkflows(); // the leader's sweep
    const advanced = await second.runs.get(run.id);
    expect(advanced?.tasks.map((t) => t.state)).toEqual(["success", "queued"]);
    second.define("ok", () => "ok");
    await second.start({ pollIntervalMs: 20 });
    await waitFor(async () => (await second.runs.get(run.id))?.state === "success", "run done");
  });
}

describe("workflow guarantees on SQLite", () => {
  suite(sqliteFile);
  crashBetweenDoneAndAdvance(sqliteFile.url);
});

describePg("workflow guarantees on PostgreSQL", () => {
  suite(postgresSchema);
  crashBetweenDoneAndAdvance(postgresSchema.url);
});
