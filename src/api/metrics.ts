/**
 * @module api/metrics
 * Prometheus metrics of one server process: `createMetrics` builds a private prom-client
 * Registry (never the global one, so many apps can live in one process) holding
 * - per-process counters and histograms fed by the event bus (api/metrics-events.ts) and by the
 *   request log (`observeHttp`): sum them across replicas;
 * - store-wide gauges read at scrape time from `snapshot()` (cached 5 s): every replica reports
 *   the same values, aggregate them with max();
 * - this process's leadership, leader duties and worker slots, read at scrape time;
 * - `kairos_info{version,store}` and prom-client's default process/node metrics.
 * docs/operations.md lists every name and label.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Logger } from "../index.js";
import type { MetricsSnapshot } from "../runtime/client.js";
import type { Kairos } from "../runtime/kairos.js";
import { BusMetrics } from "./metrics-events.js";

/** How long one store snapshot serves scrapes (ms). */
export const SNAPSHOT_TTL_MS = 5_000;

/** Seconds buckets of an HTTP request. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** What `createMetrics` needs. */
export interface MetricsOptions {
  /** The engine: its bus, leadership and worker counters. */
  readonly kairos: Pick<Kairos, "on" | "leadership" | "stats">;
  /** Live counts from the store in one read (called at most once per 5 s, and per scrape). */
  readonly snapshot: () => Promise<MetricsSnapshot>;
  /** Time source for the snapshot cache and ages (default: Date.now). */
  readonly clock?: { now(): number };
  /** Kairos's version, for `kairos_info`. */
  readonly version: string;
  /** The store's kind (`sqlite`, `postgres`), for `kairos_info`; never its URL. */
  readonly store: string;
  /** Worker slots of this process (its `concurrency`); `kairos_worker_slots` is absent without it. */
  readonly workerSlots?: number;
  /** Where a failing snapshot is reported (the scrape still answers, without store gauges). */
  readonly logger?: Logger;
}

/** The metrics of one server process. */
export interface Metrics {
  /** The private registry every metric is registered on. */
  readonly registry: Registry;
  /** GET /metrics: the exposition text with `registry.contentType`. */
  handler(): Promise<Response>;
  /** Count one HTTP request; `route` is the matched pattern (`/api/v1/jobs/:id`), never the raw path. */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Set `kairos_sse_clients`: the event streams open now. */
  setSseClients(count: number): void;
  /** Stop listening to the bus (the registry still answers with what it has). */
  close(): void;
}

/** Build the metrics of one process; see the module header. */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const bus = new BusMetrics(registry);
  const unsubscribe = bus.subscribe(options.kairos);
  const http = httpMetrics(registry);
  const sse = new Gauge({
    name: "kairos_sse_clients",
    help: "Event streams (GET /api/v1/events) open on this process.",
    registers: [registry],
  });
  storeGauges(registry, options);
  processGauges(registry, options);
  new Gauge({
    name: "kairos_info",
    help: "Always 1; labels say which Kairos and which store kind this process runs.",
    labelNames: ["version", "store"],
    registers: [registry],
  }).set({ version: options.version, store: options.store }, 1);
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    handler: async () =>
      new Response(await registry.metrics(), {
        status: 200,
        headers: { "content-type": registry.contentType },
      }),
    observeHttp: (method, route, status, seconds) => {
      const labels = { method, route, status: String(status) };
      http.requests.inc(labels);
      http.duration.observe(labels, seconds);
    },
    setSseClients: (count) => sse.set(count),
    close: unsubscribe,
  };
}

function httpMetrics(registry: Registry) {
  const labelNames = ["method", "route", "status"] as const;
  return {
    requests: new Counter({
      name: "kairos_http_requests_total",
      help: "HTTP requests answered by this process (route: the matched pattern).",
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "kairos_http_request_duration_seconds",
      help: "Time to answer an HTTP request (route: the matched pattern).",
      labelNames,
      buckets: HTTP_BUCKETS,
      registers: [registry],
    }),
  };
}

/** The store-wide gauges, from one cached snapshot shared by every collect() of a scrape. */
function storeGauges(registry: Registry, options: MetricsOptions): void {
  const now = () => options.clock?.now() ?? Date.now();
  let cached: { at: number; value: Promise<MetricsSnapshot | null> } | null = null;
  const read = (): Promise<MetricsSnapshot | null> => {
    const at = now();
    if (cached && at - cached.at < SNAPSHOT_TTL_MS) return cached.value;
    const value = options.snapshot().catch((error: unknown) => {
      errors.inc();
      options.logger?.warn({ err: error }, "metrics: the store snapshot failed");
      if (cached?.value === value) cached = null;
      return null;
    });
    cached = { at, value };
    return value;
  };
  const errors = new Counter({
    name: "kairos_metrics_snapshot_errors_total",
    help: "Store snapshots that failed (the store gauges were left out of those scrapes).",
    registers: [registry],
    async collect() {
      await read(); // so a failure of this scrape's snapshot is counted in this scrape
    },
  });
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    fill: (g: Gauge<L>, s: MetricsSnapshot) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const snapshot = await read();
        this.reset();
        if (snapshot) fill(this, snapshot);
      },
    });
  gauge(
    "kairos_jobs",
    "Jobs in live states, store-wide (use max() across replicas).",
    ["fn", "state"],
    (g, s) => {
      for (const j of s.jobs) g.set({ fn: j.fn, state: j.state }, j.count);
    },
  );
  gauge("kairos_queue_depth", "Jobs due and waiting to start, store-wide.", ["fn"], (g, s) => {
    for (const q of s.queues) g.set({ fn: q.fn }, q.depth);
  });
  gauge(
    "kairos_queue_oldest_waiting_seconds",
    "Age of the oldest job due and waiting to start, store-wide.",
    ["fn"],
    (g, s) => {
      const at = now();
      for (const q of s.queues) {
        if (q.oldestRunAt !== null) g.set({ fn: q.fn }, Math.max(0, at - q.oldestRunAt) / 1000);
      }
    },
  );
  gauge(
    "kairos_runs",
    "Workflow runs in live states, store-wide.",
    ["workflow", "state"],
    (g, s) => {
      for (const r of s.runs) g.set({ workflow: r.workflow, state: r.state }, r.count);
    },
  );
}

/** Gauges about this process: leadership, leader duties, worker slots. */
function processGauges(registry: Registry, options: MetricsOptions): void {
  const { kairos } = options;
  const registers = [registry];
  new Gauge({
    name: "kairos_leader",
    help: "1 while this process leads (runs the scheduler and the other leader duties).",
    registers,
    collect() {
      this.set(kairos.leadership().isLeader ? 1 : 0);
    },
  });
  new Gauge({
    name: "kairos_duty_last_run_timestamp_seconds",
    help: "When each leader duty last ran here (unix seconds).",
    labelNames: ["duty"],
    registers,
    collect() {
      this.reset();
      for (const d of kairos.leadership().duties) {
        if (d.lastRunAt !== null) this.set({ duty: d.name }, d.lastRunAt / 1000);
      }
    },
  });
  new Gauge({
    name: "kairos_duty_failing",
    help: "1 when a leader duty's last run here failed.",
    labelNames: ["duty"],
    registers,
    collect() {
      this.reset();
      for (const d of kairos.leadership().duties) {
        this.set({ duty: d.name }, d.lastError === null ? 0 : 1);
      }
    },
  });
  if (options.workerSlots !== undefined) {
    new Gauge({
      name: "kairos_worker_slots",
      help: "Jobs this process runs at once at most (its concurrency).",
      registers,
    }).set(options.workerSlots);
  }
  new Gauge({
    name: "kairos_worker_busy",
    help: "Jobs running in this process now.",
    registers,
    collect() {
      this.set(kairos.stats().running);
    },
  });
}
