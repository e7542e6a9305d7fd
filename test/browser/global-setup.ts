/**
 * Playwright's global setup: a real `kairos server` on a temp SQLite store seeded from
 * seed.ts (applied, a write and a read token, a job that succeeds, one that fails, a workflow
 * run), everything finished before the first page loads. It builds nothing: without
 * dist/dashboard/index.html it starts nothing and the specs skip (it fails instead with
 * KAIROS_REQUIRE_DASHBOARD=1). What the specs need goes to them in KAIROS_BROWSER (JSON, see
 * env.ts); the returned function is the teardown. The last run's screenshots are removed first.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { dashboardBuilt, NOT_BUILT, type BrowserEnv } from "./env.js";
import { SCREENSHOTS } from "./fixtures.js";
import { kairos, startServer } from "./kairos-server.js";
import { SEED, writeSeed } from "./seed.js";

/** How long the seeded jobs may take to finish (a deadline for a broken server only). */
const SEED_DEADLINE_MS = 60_000;

export default async function globalSetup(): Promise<() => Promise<void>> {
  fs.rmSync(SCREENSHOTS, { recursive: true, force: true });
  if (!dashboardBuilt()) {
    // Once the app is in the build, `.ci/run` sets this: a missing build is then a failure.
    if (process.env.KAIROS_REQUIRE_DASHBOARD === "1") throw new Error(NOT_BUILT);
    console.warn(`kairos browser suite: every spec skips: ${NOT_BUILT}`);
    return async () => undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-browser-"));
  writeSeed(dir);
  const store = `sqlite:${path.join(dir, "kairos.db")}`;
  await kairos(dir, ["apply", "--store", store]);
  const write = await token(dir, store, "write");
  const read = await token(dir, store, "read");
  const server = await startServer(dir, ["--store", store]);
  try {
    const api = client(server.url, write);
    const okJob = await api.enqueue(SEED.okFn, { who: "world" });
    const failJob = await api.enqueue(SEED.failFn, {});
    await api.post(`/workflows/${SEED.workflow}/runs`, {});
    await api.settled([okJob, failJob]);
    const env: BrowserEnv = { url: server.url, write, read, okJob, failJob };
    process.env.KAIROS_BROWSER = JSON.stringify(env);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** A new token of `scope` on the store. */
async function token(dir: string, store: string, scope: "read" | "write"): Promise<string> {
  const out = await kairos(dir, ["tokens", "create", "--scope", scope, "--json", "--store", store]);
  return (JSON.parse(out) as { token: string }).token;
}

/** The few API calls the seeding needs. */
function client(url: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/api/v1${route}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    post: (route: string, body: unknown) => call("POST", route, body),
    enqueue: async (fn: string, payload: unknown): Promise<string> =>
      String(((await call("POST", "/jobs", { fn, payload })) as { id: string | number }).id),
    /** Wait until every job has finished (succeeded or failed). */
    settled: async (ids: readonly string[]): Promise<void> => {
      const deadline = Date.now() + SEED_DEADLINE_MS;
      for (const id of ids) {
        for (;;) {
          const job = (await call("GET", `/jobs/${id}`)) as { state: string };
          if (job.state === "succeeded" || job.state === "failed") break;
          if (Date.now() > deadline) throw new Error(`seeded job ${id} is still ${job.state}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
  };
}
