import { describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http.js";
import { apiFixture } from "./fixture.js";

type StatsBody = {
  at: string;
  windowMs: number;
  bucketMs: number;
  buckets: { at: string; enqueued: number; succeeded: number; failed: number; cancelled: number }[];
  live: {
    jobs: { fn: string; state: string; count: number }[];
    queues: { fn: string; depth: number; oldestRunAt: string | null }[];
  };
};

describe("GET /api/v1/stats", () => {
  it("answers the last hour in minutes: jobs created and finished, and the live counts", async () => {
    const f = await apiFixture();
    const made = await f.kairos.enqueueDetailed("send-email", [{ n: 1 }, { n: 2 }]);
    await f.kairos.jobs.cancel(made.jobs[0]!.id);

    const res = await f.call("GET", "/api/v1/stats", { token: f.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as StatsBody;
    expect(body.windowMs).toBe(3_600_000);
    expect(body.bucketMs).toBe(60_000);
    expect(body.buckets).toHaveLength(60);
    const sum = (k: "enqueued" | "cancelled" | "succeeded") =>
      body.buckets.reduce((n, b) => n + b[k], 0);
    expect([sum("enqueued"), sum("cancelled"), sum("succeeded")]).toEqual([2, 1, 0]);
    expect(body.live.jobs).toEqual([{ fn: "send-email", state: "queued", count: 1 }]);
    expect(body.live.queues).toEqual([
      { fn: "send-email", depth: 1, oldestRunAt: made.jobs[1]!.runAt.toISOString() },
    ]);
  });

  it("takes window and bucket in seconds and clamps them", async () => {
    const f = await apiFixture();
    const res = await f.call("GET", "/api/v1/stats?window=600&bucket=120", { token: f.read });
    const body = (await res.json()) as StatsBody;
    expect([body.windowMs, body.bucketMs, body.buckets.length]).toEqual([600_000, 120_000, 5]);
    const wide = await f.call("GET", "/api/v1/stats?window=999999&bucket=1", { token: f.read });
    const w = (await wide.json()) as StatsBody;
    expect([w.windowMs, w.bucketMs, w.buckets.length]).toEqual([86_400_000, 60_000, 1_440]);
  });

  it("answers 400 on a window or bucket that is not a positive whole number", async () => {
    const f = await apiFixture();
    for (const q of ["window=abc", "window=0", "bucket=-60", "bucket=1.5"]) {
      const res = await f.call("GET", `/api/v1/stats?${q}`, { token: f.read });
      expect(res.status, q).toBe(400);
    }
  });

  it("reaches the HttpClient with instants as Dates", async () => {
    const f = await apiFixture();
    await f.kairos.enqueueDetailed("send-email", [{ n: 1 }]);
    const http = new HttpClient({
      url: "http://localhost",
      token: f.read!,
      fetch: ((url: string, init?: RequestInit) => f.app.request(url, init)) as typeof fetch,
    });
    const stats = await http.stats({ windowMs: 600_000, bucketMs: 60_000 });
    expect(stats.at).toBeInstanceOf(Date);
    expect(stats.buckets[0]!.at).toBeInstanceOf(Date);
    expect(stats.live.queues[0]!.oldestRunAt).toBeInstanceOf(Date);
    expect(JSON.stringify(stats.buckets)).toBe(
      JSON.stringify((await f.client.stats({ windowMs: 600_000 })).buckets),
    );
  });
});
