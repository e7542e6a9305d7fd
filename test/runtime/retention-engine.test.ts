/**
 * Retention through the engine: the leader's retention duty deletes finished jobs older than
 * their retention — the engine's default, a function's `define()` option, or the retention
 * declared in kairos.yaml (which wins) — and leaves the others alone.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyConfig } from "../../src/config/apply.js";
import { parseConfig } from "../../src/config/index.js";
import { createKairos } from "../../src/index.js";
import type { NewJob } from "../../src/ports/job-store.js";
import { openStores } from "../../src/stores/open-store.js";
import { waitFor } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function job(fn: string): NewJob {
  return {
    fn,
    payloadJson: "{}",
    priority: 0,
    runAt: T0,
    maxAttempts: 1,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed", delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
  };
}

/** One finished job per function, finished at T0. */
async function finishedAtT0(url: string, fns: readonly string[]): Promise<void> {
  const stores = await openStores(url);
  try {
    await stores.jobs.enqueue(
      fns.map((fn) => job(fn)),
      T0,
    );
    const claimed = await stores.jobs.claim({
      workerId: "w",
      fns,
      limit: fns.length,
      now: T0,
      leaseMs: 60_000,
    });
    await stores.jobs.finalize(
      claimed.map((j) => ({
        jobId: j.id,
        leaseToken: j.leaseToken,
        outcome: { kind: "succeeded" as const, resultJson: "null" },
      })),
      T0,
    );
  } finally {
    await stores.close();
  }
}

describe("retention through the engine", () => {
  it("deletes at the default age, keeps per define() and per kairos.yaml, the file winning", async () => {
    const dir = tempDir();
    const url = `sqlite:${path.join(dir, "k.db")}`;
    await finishedAtT0(url, ["plain", "kept-by-define", "declared-forever", "declared-short"]);
    const clock = new ManualClock(T0 + 8 * DAY);
    const k = await createKairos({ store: url, clock, retention: "7d" });
    try {
      k.define("kept-by-define", () => null, { retention: "30d" });
      // define() says 1 day, the file says forever: the file wins.
      k.define("declared-forever", () => null, { retention: "1d" });
      const text = `
functions:
  - name: declared-forever
    kind: command
    command: ["true"]
    retention: forever
  - name: declared-short
    kind: command
    command: ["true"]
    retention: 2d
`;
      const file = path.join(dir, "kairos.yaml");
      fs.writeFileSync(file, text);
      await applyConfig(k, parseConfig(text, file, {}), { prune: false, dryRun: false });
      await k.start({ workers: false });
      await waitFor(
        () => k.leadership().duties.find((d) => d.name === "retention" && d.runs > 0),
        "a retention run",
      );
      const left = (await k.jobs.list()).map((j) => j.fn).sort();
      expect(left).toEqual(["declared-forever", "kept-by-define"]);
    } finally {
      await k.stop({ drainMs: 0 });
    }
  });

  it("rejects a bad retention at the edge with a clear error", async () => {
    await expect(createKairos({ store: "sqlite::memory:", retention: "0s" })).rejects.toThrow(
      /retention must be longer than 0/,
    );
    const k = await createKairos({ store: "sqlite::memory:" });
    try {
      expect(() => k.define("f", () => null, { retention: "soon" })).toThrow(
        /define\("f"\): retention/,
      );
    } finally {
      await k.stop();
    }
  });
});
