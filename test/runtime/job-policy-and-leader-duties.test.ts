/**
 * Two bugs of the runtime before it was re-founded, pinned on SQLite and PostgreSQL:
 *
 * 1. A leader that runs no workers (`start({ workers: false })`) must still recover jobs whose
 *    worker died: lease recovery is a leader duty, not a worker's.
 * 2. A job's policy (attempts, priority, backoff, timeout, concurrency key) is resolved once,
 *    when the job is created, from the function's declared spec (stored by `kairos apply`),
 *    and stamped on the job: a scheduler-only process that never defined the function, a
 *    worker whose `define()` options differ, and the leader recovering the job all follow it.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyConfig } from "../../src/config/apply.js";
import { parseConfig } from "../../src/config/index.js";
import { createKairos, type Kairos } from "../../src/index.js";
import { openStores } from "../../src/stores/open-store.js";
import { waitFor } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const CONFIG = `
functions:
  - name: report
    kind: command
    command: ["node", "-e", "process.exit(1)"]
    retries: 6
    priority: 5
    timeout: 7s
    backoff: { type: fixed, delay: 1234ms, jitter: 0 }
    concurrency: { key: "report-{region}", limit: 2 }
    schedules:
      - name: every-second
        every: 1s
        payload: { region: eu }
`;

/** How each store is opened: the engines of one test share its database. */
interface StoreKind {
  readonly name: string;
  /** A fresh, empty database for one test; returns the store URL to give createKairos. */
  fresh(): string;
}

const sqlite: StoreKind = {
  name: "sqlite",
  fresh: () => `sqlite:${path.join(tempDir(), "k.db")}`,
};

const postgres: StoreKind = {
  name: "postgres",
  fresh: () => `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`,
};

const engines: Kairos[] = [];
async function engine(url: string): Promise<Kairos> {
  const k = await createKairos({ store: url });
  engines.push(k);
  return k;
}
async function stopAll(): Promise<void> {
  await Promise.all(engines.splice(0).map((k) => k.stop({ drainMs: 0 })));
}

/** Claim one job of `fn` as a worker that then dies: it never heartbeats nor finalizes. */
async function claimAsDeadWorker(url: string, fn: string, leaseMs: number): Promise<string> {
  const stores = await openStores(url);
  try {
    const [job] = await stores.jobs.claim({
      workerId: "dead-worker",
      fns: [fn],
      limit: 1,
      now: Date.now(),
      leaseMs,
    });
    if (!job) throw new Error("nothing to claim");
    return job.id;
  } finally {
    await stores.close();
  }
}

/**
 * The retry was scheduled with the job's 1234 ms backoff, not the worker's 0 ms: `runAt` is the
 * decision instant + 1234 and `updatedAt` the write, a little later on a loaded machine.
 */
function expectJobBackoff(runAtMinusUpdatedAt: number): void {
  expect(runAtMinusUpdatedAt).toBeLessThanOrEqual(1234);
  expect(runAtMinusUpdatedAt).toBeGreaterThan(600);
}

async function applyFile(k: Kairos, text: string): Promise<void> {
  const dir = tempDir();
  const file = path.join(dir, "kairos.yaml");
  fs.writeFileSync(file, text);
  await applyConfig(k, parseConfig(text, file, {}), { prune: false, dryRun: false });
}

function suite(kind: StoreKind): void {
  describe(`leader duties and job policy (${kind.name})`, () => {
    it("a leader that runs no workers recovers a dead worker's job", async () => {
      try {
        const url = kind.fresh();
        const producer = await engine(url);
        producer.define("work", () => "never runs here", { maxAttempts: 1 });
        const job = await producer.enqueue("work", {});
        await claimAsDeadWorker(url, "work", 100);
        const leader = await engine(url);
        await leader.start({ workers: false, recoverIntervalMs: 50 });
        const done = await waitFor(async () => {
          const j = await leader.jobs.get(job.id);
          return j && j.state !== "running" ? j : null;
        }, "the dead worker's job to be recovered");
        expect(done.state).toBe("failed");
        expect(done.error).toMatchObject({ code: "WORKER_LOST" });
        expect(leader.stats().recovered).toBe(1);
        expect(leader.leadership().duties.map((d) => d.name)).toContain("lease-recovery");
      } finally {
        await stopAll();
      }
    });

    it("a scheduler-only process fires jobs with the function's declared policy, and workers and recovery follow the job", async () => {
      try {
        const url = kind.fresh();
        const scheduler = await engine(url);
        await applyFile(scheduler, CONFIG);
        // The scheduler-only process never defines "report".
        await scheduler.start({ workers: false, recoverIntervalMs: 50 });
        const fired = await waitFor(
          async () => (await scheduler.jobs.list({ fn: "report" }))[0],
          "the schedule to fire",
        );
        expect(fired).toMatchObject({
          maxAttempts: 7,
          priority: 5,
          timeoutMs: 7_000,
          concurrencyKey: "report-eu",
          backoff: { type: "fixed", delayMs: 1234, jitter: 0 },
        });

        // A worker whose define() options differ runs it: the retry follows the job's backoff.
        const worker = await engine(url);
        worker.define(
          "report",
          () => {
            throw new Error("boom");
          },
          { maxAttempts: 2, backoff: { type: "fixed", delayMs: 0 } },
        );
        await worker.start({ scheduler: false });
        const retrying = await waitFor(async () => {
          const j = await worker.jobs.get(fired.id);
          return j && j.state === "retrying" ? j : null;
        }, "the first attempt to fail");
        expect(retrying.attempt).toBe(1);
        expectJobBackoff(retrying.runAt.getTime() - retrying.updatedAt.getTime());
        await worker.stop({ drainMs: 0 });

        // A dead worker holds attempt 2; the leader recovers it with the job's backoff.
        await waitFor(async () => {
          try {
            return await claimAsDeadWorker(url, "report", 50);
          } catch {
            return null;
          }
        }, "a dead worker to claim attempt 2 once its retry is due");
        const recovered = await waitFor(async () => {
          const j = await scheduler.jobs.get(fired.id);
          return j && j.state === "retrying" && j.attempt === 2 ? j : null;
        }, "the leader to recover attempt 2");
        expect(recovered.error).toMatchObject({ code: "WORKER_LOST" });
        expectJobBackoff(recovered.runAt.getTime() - recovered.updatedAt.getTime());
      } finally {
        await stopAll();
      }
    });

    it("a process that never defined the function enqueues with its declared policy", async () => {
      try {
        const url = kind.fresh();
        const cli = await engine(url);
        await applyFile(cli, CONFIG);
        const job = await cli.enqueue("report", { region: "us" });
        expect(job).toMatchObject({
          maxAttempts: 7,
          priority: 5,
          timeoutMs: 7_000,
          concurrencyKey: "report-us",
        });
        // The call's own options still win field by field.
        const own = await cli.enqueue("report", { region: "us" }, { priority: 9, maxAttempts: 1 });
        expect(own).toMatchObject({ priority: 9, maxAttempts: 1, timeoutMs: 7_000 });
      } finally {
        await stopAll();
      }
    });
  });
}

suite(sqlite);
describePg("postgres", () => suite(postgres));

describe("define() options when nothing is declared", () => {
  it("stamps the process's define() options; the declared spec wins once applied", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file);
    k.define("report", () => "ok", { maxAttempts: 4, priority: 2, timeoutMs: 500 });
    expect(await k.enqueue("report", { region: "eu" })).toMatchObject({
      maxAttempts: 4,
      priority: 2,
      timeoutMs: 500,
      concurrencyKey: null,
    });
    await applyFile(k, CONFIG);
    expect(await k.enqueue("report", { region: "eu" })).toMatchObject({
      maxAttempts: 7,
      priority: 5,
      timeoutMs: 7_000,
      concurrencyKey: "report-eu",
    });
  });
});
