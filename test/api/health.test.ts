/**
 * /healthz and /readyz on a plain Hono app with mountOps: liveness answers 200 throughout;
 * readiness fails while stopping, when the store ping fails or hangs (answer cached 1 s), and
 * when the leader's scheduler has not ticked within max(30 s, 10 x interval).
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createHealth, mountOps, type HealthOptions } from "../../src/api/health.js";
import { createMetrics } from "../../src/api/metrics.js";
import { createKairos, type Kairos } from "../../src/index.js";
import { afterEach } from "vitest";
import { ManualClock } from "../helpers/manual-clock.js";

const T0 = Date.parse("2026-12-03T10:00:00Z");
const open: Kairos[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

/** An engine leading alone on a manual clock, scheduler loop on, no workers. */
async function leader(clock: ManualClock): Promise<Kairos> {
  const k = await createKairos({ store: "sqlite::memory:", clock });
  open.push(k);
  await k.start({ workers: false });
  return k;
}

/** The probes over `kairos` on `clock`: healthy defaults, with `over` changing what a test pins. */
function app(
  kairos: Kairos,
  clock: ManualClock,
  over: Partial<Omit<HealthOptions, "kairos" | "clock">> = {},
): Hono {
  return appWith({
    kairos,
    clock,
    ping: async () => {},
    isStopping: () => false,
    schedulerIntervalMs: 1_000,
    ...over,
  });
}

function appWith(options: HealthOptions): Hono {
  const a = new Hono();
  const metrics = createMetrics({
    kairos: options.kairos as Kairos,
    snapshot: async () => ({ jobs: [], queues: [], runs: [] }),
    version: "1",
    store: "sqlite",
  });
  mountOps(a, { metrics, health: createHealth(options) });
  return a;
}

async function probe(a: Hono, path: "/healthz" | "/readyz") {
  const res = await a.request(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("health probes", () => {
  it("are ready on a healthy leader and report each check", async () => {
    const clock = new ManualClock(T0);
    const k = await leader(clock);
    const a = app(k, clock);
    expect(await probe(a, "/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    const ready = await probe(a, "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: "ready",
      checks: { stopping: { ok: true }, store: { ok: true }, scheduler: { ok: true } },
    });
  });

  it("are not ready while stopping, and live throughout", async () => {
    const clock = new ManualClock(T0);
    const k = await leader(clock);
    let stopping = false;
    const a = app(k, clock, { isStopping: () => stopping });
    expect((await probe(a, "/readyz")).status).toBe(200);
    stopping = true;
    const ready = await probe(a, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: "not_ready", checks: { stopping: { ok: false } } });
    expect(await probe(a, "/healthz")).toEqual({ status: 200, body: { status: "ok" } });
  });

  it("are not ready when the store ping fails; the answer is reused for 1 s", async () => {
    const clock = new ManualClock(T0);
    const k = await leader(clock);
    let failing = true;
    let pings = 0;
    const ping = async (timeoutMs: number) => {
      pings++;
      expect(timeoutMs).toBe(1_000);
      if (failing) throw new Error("connection refused");
    };
    const a = app(k, clock, { ping });
    const ready = await probe(a, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      checks: { store: { ok: false, detail: "store ping failed: connection refused" } },
    });
    failing = false;
    clock.set(T0 + 999);
    expect((await probe(a, "/readyz")).status).toBe(503);
    expect(pings).toBe(1);
    clock.set(T0 + 1_000);
    expect((await probe(a, "/readyz")).status).toBe(200);
    expect(pings).toBe(2);
    expect((await probe(a, "/healthz")).status).toBe(200);
  });

  it("are not ready when the store ping does not answer within 1 s", async () => {
    const clock = new ManualClock(T0);
    const k = await leader(clock);
    const a = app(k, clock, { ping: () => new Promise<void>(() => {}) });
    const ready = await probe(a, "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      checks: { store: { ok: false, detail: "store ping failed: no answer within 1000 ms" } },
    });
  });

  it("are not ready when the leader's scheduler tick is older than max(30 s, 10 x interval)", async () => {
    const clock = new ManualClock(T0);
    const k = await leader(clock);
    const a = app(k, clock);
    await k.tickScheduler();
    expect(k.schedulerLastTick()?.getTime()).toBe(T0);
    clock.set(T0 + 30_000);
    expect((await probe(a, "/readyz")).status).toBe(200);
    clock.set(T0 + 30_001);
    const stale = await probe(a, "/readyz");
    expect(stale.status).toBe(503);
    expect(stale.body).toMatchObject({
      checks: {
        scheduler: { ok: false, detail: "the scheduler last ticked 30001 ms ago (limit 30000 ms)" },
      },
    });
    expect((await probe(a, "/healthz")).status).toBe(200);
    await k.tickScheduler();
    expect((await probe(a, "/readyz")).status).toBe(200);
  });

  it("use 10 x the scheduler interval when that is above 30 s", async () => {
    const clock = new ManualClock(T0);
    const k = await leader(clock);
    const a = app(k, clock, { schedulerIntervalMs: 5_000 });
    await k.tickScheduler();
    clock.set(T0 + 50_000);
    expect((await probe(a, "/readyz")).status).toBe(200);
    clock.set(T0 + 50_001);
    expect((await probe(a, "/readyz")).status).toBe(503);
  });

  it("do not check the scheduler on a process that does not lead", async () => {
    const clock = new ManualClock(T0);
    const k = await createKairos({ store: "sqlite::memory:", clock });
    open.push(k);
    await k.start({ workers: false, scheduler: false });
    const a = app(k, clock);
    clock.set(T0 + 3_600_000);
    const ready = await probe(a, "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      checks: { scheduler: { ok: true, detail: "not the leader" } },
    });
  });

  it("guard /metrics with metricsAuth and leave the probes public", async () => {
    const clock = new ManualClock(T0);
    const k = await leader(clock);
    const a = new Hono();
    mountOps(a, {
      metrics: { handler: async () => new Response("m 1\n") },
      health: createHealth({
        kairos: k,
        ping: async () => {},
        clock,
        isStopping: () => false,
        schedulerIntervalMs: 1_000,
      }),
      metricsAuth: async (c, next) => (c.req.header("authorization") ? next() : c.json({}, 401)),
    });
    expect((await a.request("/metrics")).status).toBe(401);
    expect((await a.request("/metrics", { headers: { authorization: "Bearer t" } })).status).toBe(
      200,
    );
    expect((await a.request("/healthz")).status).toBe(200);
    expect((await a.request("/readyz")).status).toBe(200);
  });
});
