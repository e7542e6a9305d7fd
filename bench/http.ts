/**
 * @module bench/http
 * `npm run bench -- --only http [--json] [--check] [--duration S] [--connections N]`: the HTTP
 * enqueue path. Each measurement gets a fresh SQLite file in a temp dir, an engine with a no-op
 * function, and an HTTP server on 127.0.0.1:0. autocannon runs in a child process
 * (bench/http-load.ts) so the load generator does not steal the server's event loop:
 * pipelining 1, 10 s, 50 connections unless said:
 * (1) POST /api/v1/jobs, one job per request, on a server that only takes work in
 *     (`kairos server --no-workers`, workers elsewhere): the enqueue path alone, at 20
 *     connections (the checked row) and at 50. With c requests always in flight, the mean
 *     latency is c / throughput (Little's law), so the p99 target is stated at 20;
 * (2) the same with 10 workers in the same process draining what is enqueued (every job is
 *     also claimed, run and finalized on the server's one core);
 * (3) POST /api/v1/jobs/batch, 100 jobs per request, workers draining;
 * (4) the library's own `kairos.enqueue` from 50 concurrent callers in-process, same duration,
 *     workers draining.
 * Prints a table (or one JSON object with --json). `--check` exits 1 when single enqueue (1) at
 * 20 connections is below 5,000 req/s or its p99 above 20 ms; without it, figures are reported, never asserted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createKairos, type Kairos } from "../src/index.js";
import { createLogger } from "../src/api/logging.js";
import { DEFAULT_MAX_BODY_BYTES } from "../src/cli/listen-flags.js";
import { serveApi, type ServingApi } from "../src/cli/serve-api.js";
import type { LoadRequest, LoadResult } from "./http-load.js";
import { childExecArgv, forkOnce } from "./runner.js";
import { summarize } from "./stats.js";

const LOAD_CHILD = fileURLToPath(new URL("./http-load.ts", import.meta.url));
const BATCH = 100;
/** `--check` floors. */
const MIN_SINGLE_REQ_PER_SEC = 5_000;
const MAX_SINGLE_P99_MS = 20;
/** Connections of the checked row. */
const CHECK_CONNECTIONS = 20;

export const HTTP_USAGE = `usage: npm run bench -- --only http [--json] [--check] [--duration S] [--connections N]

  --json           print one JSON object on stdout (progress goes to stderr)
  --check          exit 1 when single enqueue (API only, ${CHECK_CONNECTIONS} connections) is below ${MIN_SINGLE_REQ_PER_SEC} req/s or its p99 is above ${MAX_SINGLE_P99_MS} ms
  --duration S     seconds of load per measurement (default 10)
  --connections N  concurrent connections of the other rows, and library callers (default 50)`;

interface HttpBenchOptions {
  readonly json: boolean;
  readonly check: boolean;
  readonly durationS: number;
  readonly connections: number;
}

/** One line of the report. */
export interface HttpRow {
  readonly scenario: string;
  readonly connections: number;
  readonly jobsPerSec: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failures: number;
  readonly error?: string;
}

/** True when argv selects the HTTP bench (`--only http`). */
export function isHttpBench(argv: readonly string[]): boolean {
  const i = argv.findIndex((a) => a === "--only" || a.startsWith("--only="));
  if (i < 0) return false;
  const value = argv[i]!.startsWith("--only=") ? argv[i]!.slice(7) : argv[i + 1];
  return value?.trim() === "http";
}

function parseHttpArgs(
  argv: readonly string[],
): HttpBenchOptions | "help" | { readonly usage: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: "string" },
        json: { type: "boolean", default: false },
        check: { type: "boolean", default: false },
        duration: { type: "string", default: "10" },
        connections: { type: "string", default: "50" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    return { usage: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return "help";
  const durationS = Number(values.duration);
  const connections = Number(values.connections);
  if (!Number.isInteger(durationS) || durationS < 1 || durationS > 600) {
    return { usage: `--duration must be an integer from 1 to 600 seconds, got ${values.duration}` };
  }
  if (!Number.isInteger(connections) || connections < 1 || connections > 1_000) {
    return { usage: `--connections must be an integer from 1 to 1000, got ${values.connections}` };
  }
  return { json: values.json, check: values.check, durationS, connections };
}

/** Whether the measured process also runs workers. */
type Workers = "none" | "draining";

/**
 * A fresh engine on a new SQLite file with a no-op function, started (10 workers) when
 * `workers` is "draining"; removed by `close`.
 */
async function freshEngine(
  workers: Workers,
): Promise<{ kairos: Kairos; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-bench-http-"));
  const kairos = await createKairos({ store: `sqlite:${path.join(dir, "kairos.db")}` });
  kairos.define("noop", () => undefined);
  if (workers === "draining") await kairos.start({ concurrency: 10 });
  return {
    kairos,
    close: async () => {
      await kairos.stop({ drainMs: 1_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Serve the real API (the same stack as `kairos server`: request log, limits, auth, handlers,
 * metrics) with auth on: one write token, sent with every request.
 */
async function listen(
  kairos: Kairos,
  workers: Workers,
): Promise<{ api: ServingApi; token: string }> {
  const { token } = await kairos.tokens.create({ scope: "write", name: "bench" });
  const api = await serveApi(
    kairos,
    { url: "sqlite:bench", origin: "bench" },
    {
      host: "127.0.0.1",
      port: 0,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      publicMetrics: false,
      configDir: os.tmpdir(),
      version: "bench",
      ...(workers === "draining" ? { workerSlots: 10 } : {}),
      logger: createLogger({ level: "warn" }),
      requestLevel: "debug",
    },
  );
  return { api, token };
}

/** Serve a fresh engine and load `route` with `body` from a child process. */
async function measureHttp(
  options: HttpBenchOptions,
  scenario: string,
  route: string,
  body: unknown,
  jobsPerRequest: number,
  workers: Workers,
  connections = options.connections,
): Promise<HttpRow> {
  const engine = await freshEngine(workers);
  const { api, token } = await listen(engine.kairos, workers);
  try {
    const request: LoadRequest = {
      url: `${api.url}${route}`,
      body: JSON.stringify(body),
      token,
      durationS: options.durationS,
      connections,
    };
    const ran = await forkOnce<LoadResult>(LOAD_CHILD, request, {
      execArgv: childExecArgv(undefined, scenario),
      timeoutMs: options.durationS * 1000 + 60_000,
    });
    const r: LoadResult = "message" in ran ? ran.message : { ...FAILED_LOAD, error: ran.error };
    return {
      scenario,
      connections,
      jobsPerSec: r.reqPerSec * jobsPerRequest,
      reqPerSec: r.reqPerSec,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      failures: r.non2xx + r.errors + r.timeouts,
      ...(r.ok ? {} : { error: r.error ?? "the load generator failed" }),
    };
  } finally {
    await api.close(0);
    await engine.close();
  }
}

const FAILED_LOAD: LoadResult = {
  ok: false,
  reqPerSec: 0,
  requests: 0,
  p50Ms: 0,
  p99Ms: 0,
  maxMs: 0,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
};

/** `kairos.enqueue` from `connections` concurrent callers for the same duration. */
async function measureLibrary(options: HttpBenchOptions): Promise<HttpRow> {
  const engine = await freshEngine("draining");
  try {
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + options.durationS * 1000;
    const caller = async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await engine.kairos.enqueue("noop", { n: 1 });
        latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: options.connections }, caller));
    const elapsed = performance.now() - started;
    const s = summarize(latencies);
    const rate = (latencies.length * 1000) / elapsed;
    return {
      scenario: "library kairos.enqueue, workers draining",
      connections: options.connections,
      jobsPerSec: rate,
      reqPerSec: rate,
      p50Ms: s.p50,
      p99Ms: s.p99,
      failures: 0,
    };
  } finally {
    await engine.close();
  }
}

function checkFailures(single: HttpRow): string[] {
  const failures: string[] = [];
  if (single.reqPerSec < MIN_SINGLE_REQ_PER_SEC) {
    failures.push(
      `single enqueue ${Math.round(single.reqPerSec)} req/s < ${MIN_SINGLE_REQ_PER_SEC}`,
    );
  }
  if (single.p99Ms > MAX_SINGLE_P99_MS) {
    failures.push(`single enqueue p99 ${single.p99Ms} ms > ${MAX_SINGLE_P99_MS} ms`);
  }
  return failures;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function renderTable(
  rows: readonly HttpRow[],
  options: HttpBenchOptions,
  failures: string[] | null,
): string {
  const header = ["scenario", "conns", "jobs/s", "req/s", "p50 ms", "p99 ms", "failed req"];
  const body = rows.map((r) => [
    r.error ? `${r.scenario} (FAILED: ${r.error})` : r.scenario,
    String(r.connections),
    fmt(r.jobsPerSec),
    fmt(r.reqPerSec),
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    String(r.failures),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const out = [
    `HTTP enqueue, SQLite file store, ${options.durationS} s each, the API with auth (write token); conns = connections (library: concurrent callers)`,
    "",
    line(header),
    `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`,
    ...body.map(line),
  ];
  if (failures !== null) {
    out.push(
      "",
      failures.length === 0 ? "check: passed" : `check: FAILED (${failures.join("; ")})`,
    );
  }
  return out.join("\n");
}

/** Run the HTTP bench; resolves with the exit code. */
export async function runHttpBench(argv: readonly string[]): Promise<number> {
  const options = parseHttpArgs(argv);
  if (options === "help") {
    process.stdout.write(`${HTTP_USAGE}\n`);
    return 0;
  }
  if ("usage" in options) {
    process.stderr.write(`bench: ${options.usage}\n\n${HTTP_USAGE}\n`);
    return 2;
  }
  const rows: HttpRow[] = [];
  const step = async (name: string, run: () => Promise<HttpRow>) => {
    process.stderr.write(`bench: http ${name} ...`);
    const row = await run();
    rows.push(row);
    process.stderr.write(row.error ? ` FAILED\n` : ` done\n`);
    return row;
  };
  const one = { fn: "noop", payload: { n: 1 } };
  const route = "/api/v1/jobs";
  const single = await step("single", () =>
    measureHttp(
      options,
      "HTTP POST /api/v1/jobs, API only",
      route,
      one,
      1,
      "none",
      CHECK_CONNECTIONS,
    ),
  );
  await step("single, more connections", () =>
    measureHttp(options, "HTTP POST /api/v1/jobs, API only", route, one, 1, "none"),
  );
  await step("single+workers", () =>
    measureHttp(
      options,
      "HTTP POST /api/v1/jobs, workers draining",
      "/api/v1/jobs",
      one,
      1,
      "draining",
    ),
  );
  await step("batch", () =>
    measureHttp(
      options,
      `HTTP POST /api/v1/jobs/batch x${BATCH}, workers draining`,
      "/api/v1/jobs/batch",
      { fn: "noop", payloads: Array.from({ length: BATCH }, (_, n) => ({ n })) },
      BATCH,
      "draining",
    ),
  );
  await step("library", () => measureLibrary(options));
  const failures = options.check ? checkFailures(single) : null;
  const text = options.json
    ? JSON.stringify(
        {
          scenario: "http",
          durationS: options.durationS,
          connections: options.connections,
          rows,
          check: failures === null ? null : { passed: failures.length === 0, failures },
        },
        null,
        2,
      )
    : renderTable(rows, options, failures);
  process.stdout.write(`${text}\n`);
  const crashed = rows.some((r) => r.error !== undefined || r.failures > 0);
  return crashed || (failures !== null && failures.length > 0) ? 1 : 0;
}
