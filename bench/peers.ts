/**
 * @module bench/peers
 * The parent's side of `npm run bench -- --peers`: finds or starts what each peer needs, runs
 * the peer scenarios of a round right after the embedded scenarios of the same round (so a
 * noisy minute on the shared machine hits every system alike), and tears everything down.
 *
 * - BullMQ: one fresh redis-server per run of a scenario (bench/peer-redis.ts), so each run
 *   starts on an empty store as Kairos's (a fresh SQLite file) and Graphile's (a fresh
 *   database) do; the scenario runs in a child (bench/peer-bullmq.ts).
 * - Graphile Worker: the PostgreSQL bench's own scenarios (`graphile-<shape>`, one worker
 *   process, batched preset) on its throwaway server, started once (bench/pg-server.ts).
 *
 * A peer that cannot run (no redis-server, no ioredis for BullMQ, no PostgreSQL binaries) is
 * skipped with the reason and how to fix it; the rest of the run goes on.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { BenchOptions } from "./args.js";
import { runOne } from "./pg-main.js";
import { startBenchPostgres, type BenchPostgres } from "./pg-server.js";
import type { PgChildOutcome } from "./pg-types.js";
import {
  findRedisServer,
  REDIS_INSTALL_HINT,
  redisVersion,
  startRedis,
  stopAllRedis,
} from "./peer-redis.js";
import {
  peerScenarios,
  splitPeerScenario,
  type BullmqRequest,
  type PeerOutcome,
  type PeerOutcomes,
  type PeerScenarioName,
  type PeerSystem,
} from "./peer-types.js";
import { childExecArgv, forkOnce } from "./runner.js";

const BULLMQ_CHILD = fileURLToPath(new URL("./peer-bullmq.ts", import.meta.url));

/** What each peer ran on (for the table header and the JSON), or why it was skipped. */
export interface PeerSetup {
  readonly bullmq: { readonly redisVersion: string } | { readonly skipped: string };
  readonly graphile: { readonly postgresVersion: string } | { readonly skipped: string };
}

/** A started peers session. */
export interface Peers {
  readonly setup: PeerSetup;
  readonly outcomes: PeerOutcomes;
  /** Run every peer scenario once (round `round`); resolves true when one of them failed. */
  runRound(round: number): Promise<boolean>;
  /** Stop the PostgreSQL server and any redis-server left; idempotent. */
  stop(): void;
}

/**
 * BullMQ 6 loads the Redis client `ioredis` lazily, as an optional peer dependency. Null when
 * it resolves from where BullMQ lives, else why BullMQ cannot run.
 */
function missingIoredis(): string | null {
  try {
    const require = createRequire(import.meta.url);
    createRequire(require.resolve("bullmq")).resolve("ioredis");
    return null;
  } catch {
    return (
      "BullMQ needs its Redis client `ioredis` (an optional peer dependency of bullmq 6), " +
      "which is not installed: add it with `npm install --save-dev ioredis@5`"
    );
  }
}

function bullmqSetup(): { bin: string; redisVersion: string } | { skipped: string } {
  const bin = findRedisServer();
  if (bin === null) return { skipped: `redis-server not found: ${REDIS_INSTALL_HINT}` };
  const ioredis = missingIoredis();
  if (ioredis !== null) return { skipped: ioredis };
  try {
    return { bin, redisVersion: redisVersion(bin) };
  } catch (error) {
    return { skipped: `${bin} --version failed: ${(error as Error).message}` };
  }
}

function fromPg(outcome: PgChildOutcome): PeerOutcome {
  if (!outcome.ok) return { ok: false, error: outcome.failure.error };
  const r = outcome.report;
  const peakRssBytes = Math.max(
    r.producerPeakRssBytes,
    ...r.result.workers.map((w) => w.peakRssBytes),
  );
  const result =
    r.result.kind === "throughput"
      ? {
          kind: "throughput" as const,
          jobs: r.result.jobs,
          elapsedMs: r.result.elapsedMs,
          jobsPerSec: r.result.jobsPerSec,
        }
      : {
          kind: "lag" as const,
          jobs: r.result.jobs,
          lag: r.result.lag,
          enqueueMs: r.result.enqueueMs,
          lateEnqueues: r.result.lateEnqueues,
        };
  return { ok: true, report: { result, peakRssBytes, notes: r.notes } };
}

async function runBullmq(
  bin: string,
  request: Omit<BullmqRequest, "port" | "timeoutMs">,
  options: BenchOptions,
  name: PeerScenarioName,
): Promise<PeerOutcome> {
  const redis = await startRedis(bin);
  try {
    const timeoutMs = options.quick ? 120_000 : 600_000;
    const ran = await forkOnce<PeerOutcome>(
      BULLMQ_CHILD,
      { ...request, port: redis.port, timeoutMs: timeoutMs - 30_000 },
      { execArgv: childExecArgv(options.cpuProfDir, name), timeoutMs },
    );
    return "message" in ran ? ran.message : { ok: false, error: ran.error };
  } finally {
    await redis.stop();
  }
}

/**
 * Check and start what the peers of the selected scenarios need. Installs exit and signal
 * handlers so that no redis-server or PostgreSQL server outlives the bench.
 */
export async function startPeers(
  options: BenchOptions,
  selected: readonly string[],
): Promise<Peers> {
  const names = peerScenarios(selected);
  const bull = bullmqSetup();
  let server: BenchPostgres | undefined;
  let graphile: PeerSetup["graphile"];
  if (names.some((n) => splitPeerScenario(n).system === "graphile")) {
    process.stderr.write("bench: starting a throwaway PostgreSQL server for Graphile Worker ...");
    try {
      server = await startBenchPostgres();
      graphile = { postgresVersion: server.version };
      process.stderr.write(` ${server.version.split(",")[0]}\n`);
    } catch (error) {
      graphile = { skipped: (error as Error).message };
      process.stderr.write(` FAILED, Graphile Worker skipped\n`);
    }
  } else {
    graphile = { skipped: "no scenario selected" };
  }
  const setup: PeerSetup = {
    bullmq: "skipped" in bull ? bull : { redisVersion: bull.redisVersion },
    graphile,
  };
  if ("skipped" in bull) process.stderr.write(`bench: BullMQ skipped: ${bull.skipped}\n`);

  const stop = () => {
    stopAllRedis();
    server?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", stop);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const skipped: Record<PeerSystem, string | null> = {
    bullmq: "skipped" in setup.bullmq ? setup.bullmq.skipped : null,
    graphile: "skipped" in setup.graphile ? setup.graphile.skipped : null,
  };
  const outcomes: PeerOutcomes = {};
  for (const name of names) {
    const why = skipped[splitPeerScenario(name).system];
    outcomes[name] = why === null ? { runs: [] } : { skipped: why };
  }

  const runOnce = async (name: PeerScenarioName, round: number): Promise<PeerOutcome> => {
    const { system, shape } = splitPeerScenario(name);
    try {
      if (system === "graphile") {
        return fromPg(await runOne(server!, `graphile-${shape}`, round, options));
      }
      const request = { shape, jobs: options.jobs, lagJobs: options.lagJobs };
      return await runBullmq((bull as { bin: string }).bin, request, options, name);
    } catch (error) {
      return { ok: false, error: (error as Error).stack ?? String(error) };
    }
  };

  return {
    setup,
    outcomes,
    async runRound(round) {
      let failed = false;
      // The two peers of a figure alternate which goes first, round by round.
      const order = round % 2 === 0 ? [...names].reverse() : names;
      for (const name of order) {
        const runs = outcomes[name];
        if (runs === undefined || "skipped" in runs) continue;
        process.stderr.write(`bench: round ${round}/${options.rounds} ${name} ...`);
        const t0 = performance.now();
        const outcome = await runOnce(name, round);
        runs.runs.push(outcome);
        failed ||= !outcome.ok;
        const took = ((performance.now() - t0) / 1000).toFixed(1);
        process.stderr.write(outcome.ok ? ` done in ${took} s\n` : ` FAILED after ${took} s\n`);
      }
      return failed;
    },
    stop() {
      stop();
      process.removeListener("exit", stop);
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
    },
  };
}
