/** `kairos stats` end to end: a real process on a temp store, table and --json. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fileKairos, tempDir } from "../helpers/kairos.js";
import { runKairos as kairos } from "../helpers/cli.js";

describe("kairos stats", () => {
  it("prints the window's totals and the queues, or JSON", async () => {
    const dir = tempDir();
    const store = path.join(dir, "kairos.db");
    const k = await fileKairos(store, { workers: false } as never);
    k.define("email", async () => null);
    await k.enqueueDetailed("email", [{}, {}]);
    await k.stop({ drainMs: 0 });

    const out = await kairos(dir, ["stats", "--store", store]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/enqueued\s+2/);
    expect(out.stdout).toMatch(/email\s+2\s+\d{4}-/);

    const json = await kairos(dir, ["stats", "--store", store, "--window", "10m", "--json"]);
    const body = JSON.parse(json.stdout) as { windowMs: number; buckets: unknown[] };
    expect([body.windowMs, body.buckets.length]).toEqual([600_000, 10]);
  });
});
