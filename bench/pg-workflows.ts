/**
 * @module bench/pg-workflows
 * The workflow scenarios (wf-chain, wf-fanout) of `npm run bench -- --store postgres`: each
 * round of each runs in its own child (bench/child.ts) on its own fresh database of the
 * throwaway server, Kairos only (Graphile Worker has no workflows). Reported as a table of
 * their own below Kairos vs Graphile, and under `workflows` in the JSON.
 */
import type { BenchOptions } from "./args.js";
import { createDatabase, dropDatabase, type BenchPostgres } from "./pg-server.js";
import { runInChild } from "./runner.js";
import { isWorkflowScenario, type ChildOutcome, type WorkflowScenarioName } from "./types.js";
import { renderWorkflowTable, workflowTargets, type WfOutcomes } from "./wf-report.js";

/** The selected workflow scenarios, in run order. */
export function pgWorkflowScenarios(options: BenchOptions): WorkflowScenarioName[] {
  return options.scenarios.filter(isWorkflowScenario);
}

/** Run the selected workflow scenarios, `options.rounds` times interleaved. */
export async function runPgWorkflows(
  server: BenchPostgres,
  options: BenchOptions,
): Promise<{ outcomes: WfOutcomes; crashed: boolean }> {
  const names = pgWorkflowScenarios(options);
  const outcomes: WfOutcomes = {};
  for (const name of names) outcomes[name] = { runs: [] };
  let crashed = false;
  for (let round = 1; round <= options.rounds; round++) {
    for (const name of names) {
      process.stderr.write(`bench: round ${round}/${options.rounds} ${name} ...`);
      const t0 = performance.now();
      const dbName = `bench_r${round}_${name.replace(/-/g, "_")}`;
      let outcome: ChildOutcome;
      try {
        await dropDatabase(server.adminUrl, dbName);
        const storeUrl = await createDatabase(server.adminUrl, dbName);
        outcome = await runInChild(name, {
          jobs: options.jobs,
          lagJobs: options.lagJobs,
          schedWindowMs: options.schedWindowMs,
          retainedJobs: options.retainedJobs,
          backlogJobs: options.backlogJobs,
          backlogShape: options.backlogShape,
          timeoutMs: options.quick ? 180_000 : 600_000,
          cpuProfDir: options.cpuProfDir,
          storeUrl,
        });
      } catch (error) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        outcome = { ok: false, failure: { scenario: name, error: text } };
      } finally {
        await dropDatabase(server.adminUrl, dbName).catch(() => undefined);
      }
      const runs = outcomes[name];
      if (runs !== undefined && "runs" in runs) runs.runs.push(outcome);
      crashed ||= !outcome.ok;
      const took = ((performance.now() - t0) / 1000).toFixed(1);
      process.stderr.write(outcome.ok ? ` done in ${took} s\n` : ` FAILED after ${took} s\n`);
    }
  }
  return { outcomes, crashed };
}

/** The text appended to the PostgreSQL table (empty when no workflow scenario ran). */
export function renderPgWorkflows(outcomes: WfOutcomes, options: BenchOptions): string {
  const names = pgWorkflowScenarios(options);
  if (names.length === 0) return "";
  const failures = names.flatMap((n) => {
    const runs = outcomes[n];
    if (runs === undefined || "skipped" in runs) return [];
    return runs.runs.flatMap((o) =>
      o.ok ? [] : [`${n}: FAILED: ${o.failure.error.split("\n").slice(0, 6).join("\n    ")}`],
    );
  });
  return [
    "",
    `Workflows on PostgreSQL (Kairos only), median of ${options.rounds} round(s):`,
    "",
    renderWorkflowTable(outcomes, "postgres", names),
    ...failures,
  ].join("\n");
}

/** The `workflows` member of the PostgreSQL JSON. */
export function pgWorkflowsJson(outcomes: WfOutcomes, options: BenchOptions) {
  return {
    scenarios: pgWorkflowScenarios(options),
    targets: workflowTargets(outcomes, "postgres"),
    runs: outcomes,
  };
}
