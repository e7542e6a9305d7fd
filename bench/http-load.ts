/**
 * @module bench/http-load
 * The load generator of `--only http`, run in its own process (bench/http.ts forks it) so that
 * autocannon does not share the server's event loop. Takes one JSON argument (LoadRequest),
 * runs autocannon's programmatic API against it, and sends one LoadResult over IPC.
 */
import { createRequire } from "node:module";

/** What to load. */
export interface LoadRequest {
  readonly url: string;
  readonly body: string;
  /** Sent as `Authorization: Bearer <token>` (auth is on in the bench, as in production). */
  readonly token?: string;
  readonly durationS: number;
  readonly connections: number;
}

/** What autocannon measured. */
export interface LoadResult {
  readonly ok: boolean;
  readonly error?: string;
  /** Mean requests per second over the run. */
  readonly reqPerSec: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/** The part of autocannon's result this bench reads (the package ships no types). */
interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "{}") as LoadRequest;
  const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
  let result: LoadResult;
  try {
    const r = await autocannon({
      url: request.url,
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      },
      body: request.body,
      connections: request.connections,
      pipelining: 1,
      duration: request.durationS,
    });
    result = {
      ok: true,
      reqPerSec: r.requests.average,
      requests: r.requests.total,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      maxMs: r.latency.max,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
    };
  } catch (error) {
    result = {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
      reqPerSec: 0,
      requests: 0,
      p50Ms: 0,
      p99Ms: 0,
      maxMs: 0,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
    };
  }
  process.send?.(result);
}

await main();
