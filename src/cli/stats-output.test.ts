import { describe, expect, it } from "vitest";
import { formatStats, sparkline } from "./commands/stats.js";

describe("kairos stats output", () => {
  it("draws a sparkline scaled to the largest value, zero blank", () => {
    expect(sparkline([0, 1, 4, 8])).toBe(" ▁▄█");
    expect(sparkline([0, 0])).toBe("  ");
  });

  it("prints totals per outcome, live jobs and queues", () => {
    const at = new Date("2026-12-04T10:00:30.000Z");
    const text = formatStats({
      at,
      windowMs: 120_000,
      bucketMs: 60_000,
      buckets: [
        {
          at: new Date("2026-12-04T09:59:00.000Z"),
          enqueued: 2,
          succeeded: 1,
          failed: 0,
          cancelled: 0,
        },
        {
          at: new Date("2026-12-04T10:00:00.000Z"),
          enqueued: 0,
          succeeded: 3,
          failed: 1,
          cancelled: 0,
        },
      ],
      live: {
        jobs: [{ fn: "email", state: "queued", count: 2 }],
        queues: [{ fn: "email", depth: 2, oldestRunAt: new Date("2026-12-04T09:58:00.000Z") }],
        runs: [],
      },
    });
    expect(text).toContain("last 2 min in 1 min buckets");
    expect(text).toMatch(/succeeded\s+4\s+\S/);
    expect(text).toMatch(/failed\s+1\s+ █/);
    expect(text).toMatch(/email\s+queued\s+2/);
    expect(text).toMatch(/email\s+2\s+2026-12-04T09:58:00/);
  });
});
