/**
 * Runs the JobStore conformance suite against the SQLite adapter: once in memory (the fast
 * path every test uses) and once on a file in a fresh temp directory per test (WAL mode, the
 * real on-disk layout). Completion hooks are JS functions here.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";
import type { JobStore } from "../../src/ports/job-store.js";
import type {
  CompletionHookProbe,
  HookCall,
} from "../../src/stores/conformance/job-store-origin.js";
import { defineJobStoreConformance } from "../../src/stores/conformance/job-store-suite.js";
import { openSqliteJobStore, type SqliteJobStore } from "../../src/stores/sqlite/index.js";

const hooks = (store: JobStore) => (store as SqliteJobStore).completionHooks;

const probe: CompletionHookProbe = {
  recording(store) {
    const calls: HookCall[] = [];
    hooks(store).register("workflow", (job) => {
      calls.push({
        jobId: job.id,
        state: job.state,
        origin: job.origin,
        finishedAt: job.finishedAt,
      });
    });
    return async () => [...calls].sort((a, b) => Number(a.jobId) - Number(b.jobId));
  },
  failing(store) {
    hooks(store).register("workflow", () => {
      throw new Error("the workflow hook failed");
    });
  },
};

defineJobStoreConformance("sqlite memory", () => openSqliteJobStore({ path: ":memory:" }), probe);

const tempDirs: string[] = [];

defineJobStoreConformance(
  "sqlite file",
  () => {
    // A new directory per test keeps every test's database isolated.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-"));
    tempDirs.push(dir);
    return openSqliteJobStore({ path: path.join(dir, "kairos.db") });
  },
  probe,
);

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
