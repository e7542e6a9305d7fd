/**
 * @module bench/index
 * `npm run bench`: runs each scenario in its own child process (bench/child.ts), floors first,
 * then prints an aligned table (or, with --json, one JSON object and nothing else on stdout).
 * Progress goes to stderr. Figures are reported, never asserted: exit code 0 on a target MISS;
 * non-zero only for bad usage or when a scenario crashed. `--store postgres` hands over to
 * bench/pg-main.ts (Kairos's PostgreSQL store against Graphile Worker); `--only http` to
 * bench/http.ts (enqueue over HTTP next to the library's own enqueue). `--peers` runs BullMQ and
 * Graphile Worker on the same workload in the same rounds (bench/peers.ts) and adds their table.
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from "./args.js";
import { isHttpBench, runHttpBench } from "./http.js";
import { runPostgresBench } from "./pg-main.js";
import { buildRows, renderJson, renderTable, type Outcomes } from "./report.js";
import { buildPeerRows, peersJson, renderPeerTable } from "./peer-report.js";
import { startPeers, type Peers } from "./peers.js";
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
  // The peers run in the job phase's rounds, right after the embedded scenarios of a round.
  const peers: Peers | null = options.peers ? await startPeers(options, runnable) : null;
  const phases = [
    { scenarios: runnable.filter((s) => !isScheduleScenario(s)), rounds: options.rounds },
    { scenarios: runnable.filter(isScheduleScenario), rounds: options.schedRounds },
  ];
  try {
    crashed = await runPhases(phases, options, outcomes, peers);
  } finally {
    peers?.stop();
  }

  const rows = buildRows(outcomes, options);
  const peerRows = peers ? buildPeerRows(outcomes, peers.outcomes, options) : [];
  let text = options.json
    ? renderJson(rows, outcomes, options)
    : renderTable(rows, outcomes, options);
  if (peers !== null) {
    text = options.json
      ? JSON.stringify(
          {
            ...(JSON.parse(text) as object),
            peers: peersJson(peerRows, peers.setup, peers.outcomes),
          },
          null,
          2,
        )
      : `${text}\n\n${renderPeerTable(peerRows, peers.setup, peers.outcomes)}`;
  }
  process.stdout.write(`${text}\n`);
  return crashed ? 1 : 0;
}

/** Runs every phase's rounds; true when a scenario crashed. */
async function runPhases(
  phases: readonly { scenarios: readonly ScenarioName[]; rounds: number }[],
  options: BenchOptions,
  outcomes: Outcomes,
  peers: Peers | null,
): Promise<boolean> {
  let crashed = false;
  for (const [index, phase] of phases.entries()) {
    for (let round = 1; round <= phase.rounds; round++) {
      for (const scenario of phase.scenarios) {
        process.stderr.write(`bench: round ${round}/${phase.rounds} ${scenario} ...`);
        const t0 = performance.now();
        const outcome = await runInChild(scenario, {
          jobs: options.jobs,
          lagJobs: options.lagJobs,
          schedWindowMs: options.schedWindowMs,
          retainedJobs: options.retainedJobs,
          backlogJobs: options.backlogJobs,
          backlogShape: options.backlogShape,
          timeoutMs: childTimeoutMs(options, scenario),
          cpuProfDir: options.cpuProfDir,
        });
        const runs = outcomes[scenario];
        if (runs !== undefined && "runs" in runs) runs.runs.push(outcome);
        crashed ||= !outcome.ok;
        const took = ((performance.now() - t0) / 1000).toFixed(1);
        process.stderr.write(outcome.ok ? ` done in ${took} s\n` : ` FAILED after ${took} s\n`);
      }
      if (index === 0 && peers !== null) crashed = (await peers.runRound(round)) || crashed;
    }
  }
  return crashed;
}

process.exitCode = await main(process.argv.slice(2));
