/**
 * @module bench/pg-main
 * `npm run bench -- --store postgres`: starts a throwaway PostgreSQL server (bench/pg-server.ts),
 * runs each scenario in its own child process (bench/pg-child.ts) on its own fresh database,
 * and prints the table (or, with --json, one JSON object). The server is stopped and its
 * directory removed at the end, also on a crash, Ctrl-C or SIGTERM.
 *
 * Rounds are interleaved (every scenario once, then again), and the two systems of a figure
 * run back to back, Kairos first in odd rounds and Graphile first in even ones, so that
 * neither always runs right after the other's heavier scenario.
 */
import { fileURLToPath } from "node:url";
import type { BenchOptions } from "./args.js";
import {
  committedTransactions,
  createDatabase,
  dbStats,
  dropDatabase,
  startBenchPostgres,
  waitForBackendsGone,
  walCounters,
  type BenchPostgres,
} from "./pg-server.js";
import { buildPgRows, renderPgJson, renderPgTable, type PgOutcomes } from "./pg-report.js";
import {
  PG_SCENARIOS,
  type PgChildOutcome,
  type PgScenarioName,
  type PgScenarioRequest,
} from "./pg-types.js";
import { pgWorkflowsJson, renderPgWorkflows, runPgWorkflows } from "./pg-workflows.js";
import { childExecArgv, forkOnce } from "./runner.js";
import type { WfOutcomes } from "./wf-report.js";

const PG_CHILD = fileURLToPath(new URL("./pg-child.ts", import.meta.url));

/** The selected scenarios of one round, in run order. */
function roundOrder(selected: readonly PgScenarioName[], round: number): PgScenarioName[] {
  const groups = new Map<string, PgScenarioName[]>();
  for (const s of PG_SCENARIOS) {
    if (!selected.includes(s.name)) continue;
    const key = `${s.shape}/${s.workers}`;
    groups.set(key, [...(groups.get(key) ?? []), s.name]);
  }
  return [...groups.values()].flatMap((g) => (round % 2 === 0 ? [...g].reverse() : g));
}

/**
 * Run one PostgreSQL scenario in its own child on a fresh database of `server`, dropped after;
 * also used by `--peers` for Graphile Worker (bench/peers.ts).
 */
export async function runOne(
  server: BenchPostgres,
  scenario: PgScenarioName,
  round: number,
  options: BenchOptions,
): Promise<PgChildOutcome> {
  const timeoutMs = options.quick ? 180_000 : 600_000;
  const dbName = `bench_r${round}_${scenario.replace(/-/g, "_")}`;
  await dropDatabase(server.adminUrl, dbName);
  const databaseUrl = await createDatabase(server.adminUrl, dbName);
  try {
    const walBefore = await walCounters(server.adminUrl);
    const request: PgScenarioRequest = {
      scenario,
      databaseUrl,
      jobs: options.jobs,
      lagJobs: options.lagJobs,
      // The child gives up first, so that it can still report what went wrong.
      timeoutMs: timeoutMs - 60_000,
    };
    const ran = await forkOnce<PgChildOutcome>(PG_CHILD, request, {
      execArgv: childExecArgv(options.cpuProfDir, scenario),
      timeoutMs,
    });
    if ("error" in ran) return { ok: false, failure: { scenario, error: ran.error } };
    if (!ran.message.ok) return ran.message;
    await waitForBackendsGone(server.adminUrl, dbName);
    const walAfter = await walCounters(server.adminUrl);
    const commits = await committedTransactions(server.adminUrl, dbName);
    return {
      ok: true,
      report: { ...ran.message.report, db: dbStats(walBefore, walAfter, commits) },
    };
  } finally {
    await dropDatabase(server.adminUrl, dbName);
  }
}

export async function runPostgresBench(options: BenchOptions): Promise<number> {
  process.stderr.write("bench: starting a throwaway PostgreSQL server ...");
  let server: BenchPostgres;
  try {
    server = await startBenchPostgres();
  } catch (error) {
    process.stderr.write(
      ` FAILED\nbench: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const stop = () => server.stop();
  const onSignal = (signal: NodeJS.Signals) => {
    stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", stop);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  process.stderr.write(` ${server.version.split(",")[0]}\n`);

  const outcomes: PgOutcomes = {};
  for (const name of options.pgScenarios) outcomes[name] = { runs: [] };
  let crashed = false;
  let wfOutcomes: WfOutcomes = {};
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of roundOrder(options.pgScenarios, round)) {
        process.stderr.write(`bench: round ${round}/${options.rounds} ${scenario} ...`);
        const t0 = performance.now();
        let outcome: PgChildOutcome;
        try {
          outcome = await runOne(server, scenario, round, options);
        } catch (error) {
          const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
          outcome = { ok: false, failure: { scenario, error: text } };
        }
        outcomes[scenario]!.runs.push(outcome);
        crashed ||= !outcome.ok;
        const took = ((performance.now() - t0) / 1000).toFixed(1);
        process.stderr.write(outcome.ok ? ` done in ${took} s\n` : ` FAILED after ${took} s\n`);
      }
    }
    const wf = await runPgWorkflows(server, options);
    wfOutcomes = wf.outcomes;
    crashed ||= wf.crashed;
  } finally {
    stop();
    process.removeListener("exit", stop);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }

  const rows = buildPgRows(outcomes, options);
  const text = options.json
    ? JSON.stringify(
        {
          ...(JSON.parse(renderPgJson(rows, outcomes, options, server)) as object),
          workflows: pgWorkflowsJson(wfOutcomes, options),
        },
        null,
        2,
      )
    : (options.pgScenarios.length > 0 ? renderPgTable(rows, outcomes, options, server) : "") +
      renderPgWorkflows(wfOutcomes, options);
  process.stdout.write(`${text}\n`);
  return crashed ? 1 : 0;
}
