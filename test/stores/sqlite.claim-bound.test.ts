/**
 * The SQLite claim's pass loop is bounded (src/stores/sqlite/claim.ts): the bound must hold
 * for every legal input, including many rows of keys whose limit is below 1 ranked ahead of
 * the runnable ones, which cost one pass per batch of such rows without claiming anything.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { JobStore, NewJob } from "../../src/ports/job-store.js";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";

const T0 = 1_700_000_000_000;
const opened: JobStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

function job(overrides: Partial<NewJob>): NewJob {
  return {
    fn: "work",
    payloadJson: "{}",
    priority: 0,
    runAt: T0,
    maxAttempts: 1,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed" as const, delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
    ...overrides,
  };
}

describe("sqlite claim loop bound", () => {
  it("walks past many never-runnable (limit 0) keys and full keys without tripping the bound", async () => {
    const store = await openSqliteJobStore({ path: ":memory:" });
    opened.push(store);
    const jobs: NewJob[] = [
      // 40 rows of limit-0 keys (some shared), ranked first: never claimable.
      ...Array.from({ length: 40 }, (_, i) =>
        job({ priority: 10, concurrencyKey: `zero-${i % 25}`, concurrencyLimit: 0 }),
      ),
      // One key of limit 1 with 5 rows, then 5 keyless rows.
      ...Array.from({ length: 5 }, () => job({ priority: 5, concurrencyKey: "one" })),
      ...Array.from({ length: 5 }, () => job({ priority: 1 })),
    ];
    await store.enqueue(jobs, T0);
    const claimed = await store.claim({
      workerId: "w",
      fns: ["work"],
      limit: 3,
      now: T0,
      leaseMs: 60_000,
    });
    expect(claimed.map((j) => [j.priority, j.concurrencyKey])).toEqual([
      [5, "one"],
      [1, null],
      [1, null],
    ]);
  });
});
