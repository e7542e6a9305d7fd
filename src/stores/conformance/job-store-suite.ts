/**
 * @module stores/conformance/job-store-suite
 * The one contract suite every JobStore adapter runs (SQLite, PostgreSQL, ...). It uses the
 * port only — no SQL, no adapter internals, no sleeping: time is the `now` argument passed to
 * each call. Each rule of `ports/job-store.ts` has at least one test here; an adapter that
 * cannot meet a rule must fail, not skip.
 *
 * Usage, from an adapter's test file:
 *
 *   defineJobStoreConformance("sqlite memory", () => openSqliteJobStore({ path: ":memory:" }), probe);
 *
 * `probe` registers completion hooks on the store under test (adapter-specific; see
 * job-store-origin.ts). `open` is called once per test and must return an isolated, empty store (a fresh in-memory
 * database, a new file, a new schema). The suite calls `migrate()` on it before the test and
 * `close()` after it.
 *
 * Assumptions the suite makes beyond the letter of the port, all implied by it:
 * - Job ids are opaque strings that sort in creation order (`list` is newest first and pages
 *   with `beforeId`); the claim tie-break "then id" is checked against that same order.
 * - A string that is not an id of this adapter (e.g. "no-such-job") names no job: `get` gives
 *   null, `cancel` not_found, `finalize`/`setProgress` false, `heartbeat` reports it lost —
 *   never an error (a PostgreSQL adapter with bigint ids must not let the cast fail).
 * - Terminal states carry `finishedAt`; retrying and released jobs do not.
 * - Log lines with the same `at` keep their append order.
 */
import { afterEach, beforeEach, describe } from "vitest";
import type { JobStore } from "../../ports/job-store.js";
import { defineAttemptTests } from "./job-store-attempts.js";
import { defineCancelTests } from "./job-store-cancel.js";
import { defineClaimTests } from "./job-store-claim.js";
import { defineClaimJobTests } from "./job-store-claim-job.js";
import { defineEnqueueTests } from "./job-store-enqueue.js";
import type { SuiteContext } from "./job-store-fixtures.js";
import { defineFinalizeBatchTests } from "./job-store-finalize-batch.js";
import { defineFinalizeTests } from "./job-store-finalize.js";
import { defineLeaseTests } from "./job-store-leases.js";
import { defineLiveCountTests } from "./job-store-live-counts.js";
import { type CompletionHookProbe, defineOriginTests } from "./job-store-origin.js";
import { defineQueryTests } from "./job-store-queries.js";
import { defineSearchTests } from "./job-store-search.js";
import { defineRaceTests } from "./job-store-races.js";
import { defineRetentionTests } from "./job-store-retention.js";
import { defineStatsTests } from "./job-store-stats.js";

/** Declare the JobStore conformance tests for one adapter. */
export function defineJobStoreConformance(
  adapterName: string,
  open: () => Promise<JobStore>,
  probe: CompletionHookProbe,
): void {
  describe(`JobStore conformance: ${adapterName}`, () => {
    let current: JobStore | null = null;
    let closed = false;

    const ctx: SuiteContext = {
      store() {
        if (current === null) throw new Error("no store is open: call ctx.store() inside a test");
        return current;
      },
      async close() {
        if (current !== null && !closed) {
          closed = true;
          await current.close();
        }
      },
    };

    beforeEach(async () => {
      closed = false;
      current = await open();
      await current.migrate();
    });

    afterEach(async () => {
      await ctx.close();
      current = null;
    });

    defineEnqueueTests(ctx);
    defineClaimTests(ctx);
    defineClaimJobTests(ctx);
    defineFinalizeTests(ctx);
    defineFinalizeBatchTests(ctx, probe);
    defineLeaseTests(ctx);
    defineCancelTests(ctx);
    defineQueryTests(ctx);
    defineSearchTests(ctx);
    defineRaceTests(ctx);
    defineRetentionTests(ctx);
    defineOriginTests(ctx, probe);
    defineAttemptTests(ctx);
    defineLiveCountTests(ctx);
    defineStatsTests(ctx);
  });
}
