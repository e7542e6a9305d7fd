/**
 * /metrics: bus-fed counters and histograms from a real engine running a known workload, the
 * store-wide gauges from the snapshot (cached 5 s), the process gauges, and the HTTP metrics
 * labelled with the matched route pattern.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createHealth, mountOps } from "../../src/api/health.js";
import { requestLog } from "../../src/api/logging.js";
import { createMetrics, type MetricsOptions } from "../../src/api/metrics.js";
import type { MetricsSnapshot } from "../../src/runtime/client.js";
import type { Kairos } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { labelSets, parseExposition, valueOf, type Sample } from "./exposition.js";

const EMPTY: MetricsSnapshot = { jobs: [], queues: [], runs: [] };

async function scrape(app: Hono, path = "/metrics"): Promise<Sample[]> {
  const res = await app.request(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

function opsApp(options: MetricsOptions): { app: Hono; close: () => void } {
  const metrics = createMetrics(options);
  const app = new Hono();
  app.use(requestLog({ info: () => {}, debug: () => {}, error: () => {} }, { metrics }));
  const health = createHealth({
    kairos: options.kairos as Kairos,
    ping: async () => {},
    clock: { now: () => Date.now() },
    isStopping: () => false,
    schedulerIntervalMs: 1_000,
  });
  mountOps(app, { metrics, health });
  return { app, close: () => metrics.close() };
}

/** 10 jobs of `work`: 7 succeed, 2 fail, 1 is cancelled; one schedule fire; one workflow run. */
async function runWorkload(k: Kairos): Promise<void> {
  const ended: string[] = [];
  for (const name of ["job:succeeded", "job:failed", "job:cancelled"] as const) {
    k.on(name, (e) => {
      if (e.fn === "work") ended.push(name);
    });
  }
  const fired: string[] = [];
  k.on("schedule:fired", (e) => fired.push(e.schedule));
  const runs: string[] = [];
  k.on("run:finished", (e) => runs.push(e.state));

  k.define("work", (p: { fail?: boolean }) => {
    if (p.fail) throw new Error("boom");
  });
  k.define("tick", () => {});
  k.define("step", () => {});
  await k.workflow("nightly", { tasks: [{ id: "only", fn: "step" }] });
  const payloads = [...Array.from({ length: 7 }, () => ({})), { fail: true }, { fail: true }];
  await k.enqueueMany("work", payloads, { maxAttempts: 1 });
  const later = await k.enqueue("work", {}, { runAt: Date.now() + 3_600_000 });
  await k.jobs.cancel(later.id);
  await k.schedules.create({ name: "every-second", fn: "tick", every: "1s" });
  await k.start({ concurrency: 4, pollIntervalMs: 20 });
  await k.runs.trigger("nightly", { logicalDate: Date.parse("2026-12-01T00:00:00Z") });
  await waitFor(() => ended.length === 10, "10 finished work jobs");
  await waitFor(() => fired.length >= 1, "a schedule fire");
  await waitFor(() => runs.length === 1, "the workflow run to finish");
}

describe("metrics from a real engine", () => {
  it("counts a known workload: enqueued, claimed, finished by state, durations, fires, runs", async () => {
    const k = await memoryKairos();
    const { app, close } = opsApp({
      kairos: k,
      snapshot: async () => EMPTY,
      version: "1.2.3",
      store: "sqlite",
      workerSlots: 4,
    });
    await runWorkload(k);
    const s = await scrape(app);
    close();

    expect(valueOf(s, "kairos_jobs_enqueued_total", { fn: "work" })).toBe(10);
    expect(valueOf(s, "kairos_jobs_claimed_total", { fn: "work" })).toBe(9);
    expect(labelSets(s, "kairos_jobs_finished_total").filter((l) => l["fn"] === "work")).toEqual(
      expect.arrayContaining([
        { fn: "work", state: "succeeded" },
        { fn: "work", state: "failed" },
        { fn: "work", state: "cancelled" },
      ]),
    );
    expect(valueOf(s, "kairos_jobs_finished_total", { fn: "work", state: "succeeded" })).toBe(7);
    expect(valueOf(s, "kairos_jobs_finished_total", { fn: "work", state: "failed" })).toBe(2);
    expect(valueOf(s, "kairos_jobs_finished_total", { fn: "work", state: "cancelled" })).toBe(1);
    // Failed attempts carry no durationMs: measured from job:started, so all 9 ran attempts count.
    expect(valueOf(s, "kairos_job_duration_seconds_count", { fn: "work" })).toBe(9);
    expect(valueOf(s, "kairos_job_start_lag_seconds_count", { fn: "work" })).toBe(9);
    expect(valueOf(s, "kairos_jobs_retried_total", { fn: "work" })).toBeUndefined();

    const fires = labelSets(s, "kairos_schedule_fires_total");
    expect(fires).toContainEqual({ schedule: "every-second", catch_up: "false" });
    expect(valueOf(s, "kairos_schedule_fire_lag_seconds_count", { schedule: "every-second" })).toBe(
      valueOf(s, "kairos_schedule_fires_total", { schedule: "every-second", catch_up: "false" }),
    );
    expect(
      valueOf(s, "kairos_runs_finished_total", { workflow: "nightly", state: "success" }),
    ).toBe(1);
    // A workflow's task jobs are created by the planner, not enqueue: claimed, not enqueued.
    expect(valueOf(s, "kairos_jobs_claimed_total", { fn: "step" })).toBe(1);
    expect(valueOf(s, "kairos_jobs_enqueued_total", { fn: "step" })).toBeUndefined();

    expect(valueOf(s, "kairos_leader")).toBe(1);
    expect(valueOf(s, "kairos_duty_failing", { duty: "scheduler" })).toBe(0);
    expect(
      valueOf(s, "kairos_duty_last_run_timestamp_seconds", { duty: "scheduler" }),
    ).toBeGreaterThan(0);
    expect(valueOf(s, "kairos_worker_slots")).toBe(4);
    expect(valueOf(s, "kairos_worker_busy")).toBeGreaterThanOrEqual(0);
    expect(valueOf(s, "kairos_info", { version: "1.2.3", store: "sqlite" })).toBe(1);
    expect(valueOf(s, "kairos_leader_stepdowns_total")).toBe(0);
    expect(s.some((x) => x.name === "process_cpu_user_seconds_total")).toBe(true);
  });

  it("counts a timed-out job once, as timed_out, and a retried attempt as retried", async () => {
    const k = await memoryKairos();
    const { app, close } = opsApp({
      kairos: k,
      snapshot: async () => EMPTY,
      version: "1",
      store: "sqlite",
    });
    const failed: string[] = [];
    k.on("job:failed", (e) => failed.push(e.jobId));
    k.define("slow", (_p, ctx) => new Promise((r) => ctx.signal.addEventListener("abort", r)), {
      timeoutMs: 50,
      maxAttempts: 2,
      backoff: { type: "fixed", delayMs: 1 },
    });
    await k.enqueue("slow", {});
    await k.start({ pollIntervalMs: 20 });
    await waitFor(() => failed.length === 1, "the job to time out twice");
    const s = await scrape(app);
    close();
    expect(valueOf(s, "kairos_jobs_retried_total", { fn: "slow" })).toBe(1);
    expect(valueOf(s, "kairos_jobs_finished_total", { fn: "slow", state: "timed_out" })).toBe(1);
    expect(
      valueOf(s, "kairos_jobs_finished_total", { fn: "slow", state: "failed" }),
    ).toBeUndefined();
    expect(valueOf(s, "kairos_job_duration_seconds_count", { fn: "slow" })).toBe(2);
    // Each attempt's handler resolved after its timeout: a late result, dropped.
    expect(
      valueOf(s, "kairos_job_results_dropped_total", { fn: "slow", reason: "already_finalized" }),
    ).toBe(2);
  });

  it("stops counting after close()", async () => {
    const k = await memoryKairos();
    k.define("work", () => {});
    const { app, close } = opsApp({
      kairos: k,
      snapshot: async () => EMPTY,
      version: "1",
      store: "sqlite",
    });
    await k.enqueue("work", {});
    close();
    await k.enqueue("work", {});
    expect(valueOf(await scrape(app), "kairos_jobs_enqueued_total", { fn: "work" })).toBe(1);
  });
});

/** An engine stand-in: no events, fixed leadership and stats. */
function fakeKairos(): MetricsOptions["kairos"] & Pick<Kairos, "schedulerLastTick"> {
  return {
    on: () => () => {},
    leadership: () => ({
      isLeader: false,
      stepDowns: 0,
      acquisitions: 0,
      lastReacquireMs: null,
      lastCheckAt: null,
      schedulerLastTickAt: null,
      duties: [],
    }),
    stats: () => ({
      running: 2,
      buffered: 0,
      claimed: 0,
      finalized: 0,
      droppedResults: 0,
      abandonedHandlers: 0,
      recovered: 0,
    }),
    schedulerLastTick: () => null,
  };
}

describe("store-wide gauges", () => {
  it("come from the snapshot, read at most once per 5 s of the clock", async () => {
    const clock = new ManualClock(Date.parse("2026-12-03T10:00:00Z"));
    let reads = 0;
    const { app } = opsApp({
      kairos: fakeKairos(),
      clock,
      version: "1",
      store: "postgres",
      snapshot: async () => {
        reads++;
        return {
          jobs: [
            { fn: "mail", state: "queued", count: 3 + reads },
            { fn: "mail", state: "running", count: 1 },
          ],
          queues: [{ fn: "mail", depth: 3, oldestRunAt: clock.now() - 2_000 }],
          runs: [{ workflow: "etl", state: "running", count: 1 }],
        };
      },
    });
    let s = await scrape(app);
    expect(reads).toBe(1);
    expect(valueOf(s, "kairos_jobs", { fn: "mail", state: "queued" })).toBe(4);
    expect(valueOf(s, "kairos_jobs", { fn: "mail", state: "running" })).toBe(1);
    expect(valueOf(s, "kairos_queue_depth", { fn: "mail" })).toBe(3);
    expect(valueOf(s, "kairos_queue_oldest_waiting_seconds", { fn: "mail" })).toBe(2);
    expect(valueOf(s, "kairos_runs", { workflow: "etl", state: "running" })).toBe(1);
    expect(valueOf(s, "kairos_worker_busy")).toBe(2);
    expect(valueOf(s, "kairos_leader")).toBe(0);
    expect(labelSets(s, "kairos_worker_slots")).toEqual([]);

    clock.set(clock.now() + 4_999);
    s = await scrape(app);
    expect(reads).toBe(1);
    expect(valueOf(s, "kairos_jobs", { fn: "mail", state: "queued" })).toBe(4);
    clock.set(clock.now() + 1);
    s = await scrape(app);
    expect(reads).toBe(2);
    expect(valueOf(s, "kairos_jobs", { fn: "mail", state: "queued" })).toBe(5);
  });

  it("a failing snapshot leaves the store gauges out and counts the error; the scrape answers", async () => {
    const { app } = opsApp({
      kairos: fakeKairos(),
      version: "1",
      store: "sqlite",
      snapshot: async () => {
        throw new Error("database is locked");
      },
    });
    const s = await scrape(app);
    expect(labelSets(s, "kairos_jobs")).toEqual([]);
    expect(valueOf(s, "kairos_metrics_snapshot_errors_total")).toBe(1);
    expect(valueOf(s, "kairos_worker_busy")).toBe(2);
  });
});

describe("leadership metrics", () => {
  it("count step-downs and observe the time from a loss to the next election", async () => {
    const listeners = new Map<string, ((e: unknown) => void)[]>();
    const kairos = {
      ...fakeKairos(),
      on: ((name: string, listener: (e: unknown) => void) => {
        listeners.set(name, [...(listeners.get(name) ?? []), listener]);
        return () => {};
      }) as MetricsOptions["kairos"]["on"],
    };
    const emit = (name: string, e: unknown) => listeners.get(name)?.forEach((l) => l(e));
    const { app } = opsApp({
      kairos,
      snapshot: async () => EMPTY,
      version: "1",
      store: "postgres",
    });
    emit("leader:elected", { at: 1_000 });
    emit("leader:lost", { at: 5_000, reason: "lock lost" });
    emit("leader:elected", { at: 7_500 });
    const s = await scrape(app);
    expect(valueOf(s, "kairos_leader_stepdowns_total")).toBe(1);
    expect(valueOf(s, "kairos_leader_reacquire_seconds_count")).toBe(1);
    expect(valueOf(s, "kairos_leader_reacquire_seconds_sum")).toBe(2.5);
  });
});

describe("HTTP metrics", () => {
  it("label each request with the matched route pattern, never the raw path", async () => {
    const metrics = createMetrics({
      kairos: fakeKairos(),
      snapshot: async () => EMPTY,
      version: "1",
      store: "sqlite",
    });
    const app = new Hono();
    app.use(requestLog({ info: () => {}, debug: () => {}, error: () => {} }, { metrics }));
    app.use("/api/v1/*", async (c, next) =>
      c.req.header("authorization") ? next() : c.json({ error: "no token" }, 401),
    );
    app.get("/api/v1/jobs/:id", (c) => c.json({ id: c.req.param("id") }));
    mountOps(app, {
      metrics,
      health: createHealth({
        kairos: fakeKairos(),
        ping: async () => {},
        clock: { now: () => Date.now() },
        isStopping: () => false,
        schedulerIntervalMs: 1_000,
      }),
    });
    const auth = { headers: { authorization: "Bearer x" } };
    await app.request("/api/v1/jobs/42", auth);
    await app.request("/api/v1/jobs/43?x=1", auth);
    await app.request("/api/v1/jobs/44");
    await app.request("/no/such/path");
    const s = await scrape(app);
    const route = "/api/v1/jobs/:id";
    expect(valueOf(s, "kairos_http_requests_total", { method: "GET", route, status: "200" })).toBe(
      2,
    );
    expect(valueOf(s, "kairos_http_requests_total", { method: "GET", route, status: "401" })).toBe(
      1,
    );
    expect(
      valueOf(s, "kairos_http_requests_total", {
        method: "GET",
        route: "unmatched",
        status: "404",
      }),
    ).toBe(1);
    expect(
      valueOf(s, "kairos_http_request_duration_seconds_count", {
        method: "GET",
        route,
        status: "200",
      }),
    ).toBe(2);
    const routes = new Set(labelSets(s, "kairos_http_requests_total").map((l) => l["route"]));
    expect([...routes].filter((r) => r?.includes("42") || r?.includes("?"))).toEqual([]);
  });
});
