/**
 * @module bench/peer-types
 * Shapes of `npm run bench -- --peers`: the same workload as the embedded (SQLite) scenarios
 * on BullMQ (a throwaway redis-server) and Graphile Worker (the PostgreSQL bench's throwaway
 * server). A peer scenario is `<system>-<shape>`; a shape runs only when the embedded
 * scenario of the same name is selected, so every peer figure has its Kairos figure.
 */
import type { LatencySummary } from "./types.js";

/** The BullMQ version the bench is written against (package.json pins it). */
export const BULLMQ_VERSION = "6.7.6";

export const PEER_SYSTEMS = ["bullmq", "graphile"] as const;
export type PeerSystem = (typeof PEER_SYSTEMS)[number];

/** The shapes compared, each named like the embedded scenario it is compared with. */
export const PEER_SHAPES = ["enqueue", "process-c10", "process-c100", "lag-burst"] as const;
export type PeerShape = (typeof PEER_SHAPES)[number];

export type PeerScenarioName = `${PeerSystem}-${PeerShape}`;

/** Throughput of enqueue or of processing: jobs per second over the timed section. */
export interface PeerThroughput {
  readonly kind: "throughput";
  readonly jobs: number;
  readonly elapsedMs: number;
  readonly jobsPerSec: number;
}

/** Start lag of jobs all due at one instant: handler start minus the job's due time. */
export interface PeerLag {
  readonly kind: "lag";
  readonly jobs: number;
  readonly lag: LatencySummary;
  readonly enqueueMs: number;
  /** Jobs whose enqueue returned only after their due time (their lag includes it). */
  readonly lateEnqueues: number;
}

export type PeerResult = PeerThroughput | PeerLag;

/** One round of one peer scenario. */
export interface PeerReport {
  readonly result: PeerResult;
  /** Peak RSS of the scenario's largest process. */
  readonly peakRssBytes: number;
  readonly notes: readonly string[];
}

export type PeerOutcome =
  | { readonly ok: true; readonly report: PeerReport }
  | { readonly ok: false; readonly error: string };

/** Every round of one peer scenario, or why it did not run. */
export type PeerRuns = { readonly skipped: string } | { readonly runs: PeerOutcome[] };

export type PeerOutcomes = Partial<Record<PeerScenarioName, PeerRuns>>;

/** What the parent asks a BullMQ scenario child (bench/peer-bullmq.ts) to run. */
export interface BullmqRequest {
  readonly shape: PeerShape;
  /** The port of the fresh redis-server the parent started for this run. */
  readonly port: number;
  readonly jobs: number;
  readonly lagJobs: number;
  /** Give up (and report a failure) after this long. */
  readonly timeoutMs: number;
}

/** The peer scenarios to run for the selected embedded scenarios, in run order. */
export function peerScenarios(selected: readonly string[]): PeerScenarioName[] {
  return PEER_SHAPES.filter((shape) => selected.includes(shape)).flatMap((shape) =>
    PEER_SYSTEMS.map((system): PeerScenarioName => `${system}-${shape}`),
  );
}

/** Decode `<system>-<shape>`. */
export function splitPeerScenario(name: PeerScenarioName): {
  system: PeerSystem;
  shape: PeerShape;
} {
  const cut = name.indexOf("-");
  return { system: name.slice(0, cut) as PeerSystem, shape: name.slice(cut + 1) as PeerShape };
}
