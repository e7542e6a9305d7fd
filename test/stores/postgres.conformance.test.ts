/**
 * Runs the JobStore conformance suite against the PostgreSQL adapter on the test run's real
 * server (test/helpers/postgres.ts), each test in a fresh schema. Completion hooks are SQL
 * stages here: the recording hook writes a log line per finished job (read back through the
 * port), the failing one divides by zero for each finished job.
 */
import type { OriginKind } from "../../src/core/jobs/origin.js";
import type { JobStore } from "../../src/ports/job-store.js";
import type {
  CompletionHookProbe,
  HookCall,
} from "../../src/stores/conformance/job-store-origin.js";
import { defineJobStoreConformance } from "../../src/stores/conformance/job-store-suite.js";
import { openPostgresJobStore, type PostgresJobStore } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const hooks = (store: JobStore) => (store as PostgresJobStore).completionHooks;

const probe: CompletionHookProbe = {
  recording(store) {
    hooks(store).register("workflow", {
      stages: (s, input) => [
        `INSERT INTO ${s}.job_logs (job_id, attempt, at, level, message)
         SELECT id, 0, finished_at, 'debug',
                json_build_object('hook', state, 'id', origin_id, 'key', origin_key)::text
           FROM ${input}`,
      ],
    });
    return async () => {
      const calls: HookCall[] = [];
      for (const job of (await store.list({ limit: 1_000 })).reverse()) {
        for (const line of await store.getLogs(job.id)) {
          const m = JSON.parse(line.message) as { hook?: string; id: string; key: string };
          if (m.hook === undefined) continue;
          calls.push({
            jobId: line.jobId,
            state: m.hook,
            origin: { kind: "workflow" satisfies OriginKind, id: m.id, key: m.key },
            finishedAt: line.at,
          });
        }
      }
      return calls;
    };
  },
  failing(store) {
    hooks(store).register("workflow", {
      stages: (s, input) => [
        `INSERT INTO ${s}.job_logs (job_id, attempt, at, level, message)
         SELECT id, 1 / (id - id), finished_at, 'debug', 'never' FROM ${input}`,
      ],
    });
  },
};

describePg("postgres", () => {
  defineJobStoreConformance(
    "postgres",
    () => openPostgresJobStore({ url: pgUrl(), schema: freshSchema(), poolSize: 4 }),
    probe,
  );
});
