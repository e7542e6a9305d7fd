/**
 * @module bench/pg-child
 * Entry point of one PostgreSQL scenario's child process (the producer; see
 * bench/pg-scenarios.ts): runs ONE scenario, measures this process's peak RSS, sends a
 * `PgChildOutcome` to the parent over IPC and exits. One process per scenario for the same
 * reasons as the SQLite scenarios (bench/child.ts): attributable peak RSS, independent runs.
 */
import { sendToParent } from "./child-ipc.js";
import { RssSampler } from "./rss.js";
import type { PgChildOutcome, PgScenarioRequest } from "./pg-types.js";

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "null") as PgScenarioRequest | null;
  if (request === null) throw new Error("usage: pg-child.ts '<PgScenarioRequest JSON>'");
  const rss = new RssSampler();
  rss.start(50);
  let outcome: PgChildOutcome;
  try {
    const scenarios = await import("./pg-scenarios.js");
    const { loadSystem } = await import("./pg-systems.js");
    const { pgScenario } = await import("./pg-types.js");
    const system = await loadSystem(pgScenario(request.scenario).system);
    const producerBaselineRssBytes = process.memoryUsage.rss();
    const { result, notes } = await scenarios.runPgScenario(request, system);
    outcome = {
      ok: true,
      report: {
        scenario: request.scenario,
        result,
        notes,
        producerBaselineRssBytes,
        producerPeakRssBytes: rss.stop(),
      },
    };
  } catch (error) {
    rss.stop();
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    outcome = { ok: false, failure: { scenario: request.scenario, error: text } };
  }
  await sendToParent(outcome);
  // Exit explicitly: a handle leaked by the code under test must not hang the whole bench.
  process.exit(0);
}

await main();
