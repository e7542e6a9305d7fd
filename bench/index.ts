/**
 * @module bench/index
 * `npm run bench`: runs each scenario in its own child process (bench/child.ts), floors first,
 * then prints an aligned table (or, with --json, one JSON object and nothing else on stdout).
 * Progress goes to stderr. Figures are reported, never asserted: exit code 0 on a target MISS;
 * non-zero only for bad usage or when a scenario crashed. `--store postgres` hands over to
 * bench/pg-main.ts (Kairos's PostgreSQL store against Graphile Worker); `--only http` to
 * bench/http.ts (enqueue over HTTP next to the library's own enqueue).
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from "./args.js";
import { isHttpBench, runHttpBench } from "./http.js";
import { runPostgresBench } from "./pg-main.js";
import { buildRows, renderJson, renderTable, type Outcomes } from "./report.js";
import { runInChild } from "./runner.js";
import { isKairosScenario, isScheduleScenario, type ScenarioName } from "./types.js";

const KAIROS_ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));

/**
 * Per child: generous, so only a hang trips it (20,000 jobs run in seconds). A schedule
 * scenario also creates up to 100,000 schedules and waits out its window.
 */
function childTimeoutMs(options: BenchOptions, scenario: ScenarioName): number {
  if (isScheduleScenario(scenario)) return options.schedWindowMs + 600_000;
  return options.quick ? 120_000 : 600_000;
}

async function main(argv: readonly string[]): Promise<number> {
  // `--only http` is the HTTP enqueue bench, with options of its own (bench/http.ts).
  if (isHttpBench(argv)) return runHttpBench(argv);
  let options: BenchOptions | "help";
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.store === "postgres") return runPostgresBench(options);

  const kairosAvailable = fs.existsSync(KAIROS_ENTRY);
  const outcomes: Outcomes = {};
  const runnable = options.scenarios.filter((s) => kairosAvailable || !isKairosScenario(s));
  for (const scenario of options.scenarios) {
    outcomes[scenario] = runnable.includes(scenario)
      ? { runs: [] }
      : { skipped: "src/index.ts does not exist yet" };
  }
  // Rounds are interleaved (every scenario once, then again) so that a noisy minute on the
  // shared machine hits all scenarios alike instead of one scenario's every run. The schedule
  // scenarios run after the job scenarios, with their own round count.
  let crashed = false;
  const phases = [
    { scenarios: runnable.filter((s) => !isScheduleScenario(s)), rounds: options.rounds },
    { scenarios: runnable.filter(isScheduleScenario), rounds: options.schedRounds },
  ];
  for (const phase of phases) {
    for (let round = 1; round <= phase.rounds; round++) {
      for (const scenario of phase.scenarios) {
        process.stderr.write(`bench: round ${round}/${phase.rounds} ${scenario} ...`);
        const t0 = performance.now();
        const outcome = await runInChild(scenario, {
          jobs: options.jobs,
          lagJobs: options.lagJobs,
          schedWindowMs: options.schedWindowMs,
          retainedJobs: options.retainedJobs,
          timeoutMs: childTimeoutMs(options, scenario),
          cpuProfDir: options.cpuProfDir,
        });
        const runs = outcomes[scenario];
        if (runs !== undefined && "runs" in runs) runs.runs.push(outcome);
        crashed ||= !outcome.ok;
        const took = ((performance.now() - t0) / 1000).toFixed(1);
        process.stderr.write(outcome.ok ? ` done in ${took} s\n` : ` FAILED after ${took} s\n`);
      }
    }
  }

  const rows = buildRows(outcomes, options);
  const text = options.json
    ? renderJson(rows, outcomes, options)
    : renderTable(rows, outcomes, options);
  process.stdout.write(`${text}\n`);
  return crashed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
