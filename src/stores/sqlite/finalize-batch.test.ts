/**
 * SQLite-specific tests of the batched finalize path (stores/sqlite/finalize-batch): runs are
 * cut where their results would carry too much text, and every request is still applied with
 * its own result. The decisions themselves are checked by the shared conformance suite.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { FinalizeRequest } from "../../ports/job-store.js";
import { newJob } from "../conformance/job-store-fixtures.js";
import { openSqliteJobStore } from "./index.js";
import type { SqliteJobStore } from "./sqlite-job-store.js";

const job = newJob({ fn: "f", runAt: 0, maxAttempts: 1 });

let store: SqliteJobStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe("sqlite finalize, batched runs", () => {
  it("applies a batch of large results, cut into runs, each with its own result", async () => {
    store = await openSqliteJobStore({ path: ":memory:" });
    const count = 12;
    await store.enqueue(
      Array.from({ length: count }, () => job),
      1,
    );
    const claimed = await store.claim({
      workerId: "w",
      fns: ["f"],
      limit: count,
      now: 1,
      leaseMs: 60_000,
    });
    expect(claimed).toHaveLength(count);
    // 400,000 characters each (jobs 0, 4, 8): a run holds at most two of them, so the batch is
    // cut before job 8 into two runs of api successes (8 and 4 requests).
    const results = claimed.map((_, i) =>
      i % 4 === 0 ? `"${String(i).repeat(400_000)}"` : String(i),
    );
    const requests: FinalizeRequest[] = claimed.map((c, i) => ({
      jobId: c.id,
      leaseToken: c.leaseToken,
      outcome: { kind: "succeeded", resultJson: results[i]! },
      originKind: "api",
    }));
    expect(await store.finalize(requests, 5)).toEqual(claimed.map(() => true));
    for (const [i, c] of claimed.entries()) {
      const stored = await store.get(c.id);
      expect(stored?.state).toBe("succeeded");
      expect(stored?.resultJson).toBe(results[i]);
      expect((await store.getAttempts(c.id)).map((a) => a.outcome)).toEqual(["succeeded"]);
    }
  });
});
