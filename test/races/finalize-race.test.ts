/**
 * Single-winner finalization: when two finalizations of one job compete, exactly one applies
 * and the other is dropped.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";
import type { Finalization } from "../../src/ports/job-store.js";
import { nextEvent, waitFor } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";

const finalizer = fileURLToPath(new URL("../fixtures/race-finalizer.ts", import.meta.url));

/** Start one side of the race; `ready` once its store is open, `applied` when it is done. */
function racer(file: string, leasesFile: string, outcome: string, order: string) {
  const child: ChildProcess = fork(finalizer, [file, leasesFile, outcome, order], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`race-finalizer exited with ${code}`))),
  );
  const message = (match: (m: unknown) => boolean) =>
    Promise.race([
      new Promise<unknown>((resolve) => {
        const on = (m: unknown) => {
          if (!match(m)) return;
          child.off("message", on);
          resolve(m);
        };
        child.on("message", on);
      }),
      exited,
    ]);
  const ready = message((m) => (m as { ready?: boolean }).ready === true);
  const applied = message((m) => Array.isArray((m as { applied?: unknown }).applied)).then(
    (m) => (m as { applied: string[] }).applied,
  );
  return { child, ready, applied };
}

function newJobs(count: number, now: number) {
  return Array.from({ length: count }, (_, i) => ({
    fn: "f",
    payloadJson: String(i),
    priority: 0,
    runAt: now,
    maxAttempts: 1,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed" as const, delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
  }));
}

describe("finalization races", () => {
  it("two processes finalizing the same 2,000 jobs at the same instant: exactly one wins each", async () => {
    const dir = tempDir();
    const file = path.join(dir, "k.db");
    const store = await openSqliteJobStore({ path: file });
    const now = Date.now();
    await store.enqueue(newJobs(2_000, now), now);
    const claimed = await store.claim({
      workerId: "w",
      fns: ["f"],
      limit: 2_000,
      now,
      leaseMs: 600_000,
    });
    const leasesFile = path.join(dir, "leases.json");
    fs.writeFileSync(
      leasesFile,
      JSON.stringify(claimed.map((j) => ({ jobId: j.id, leaseToken: j.leaseToken }))),
    );
    // Opposite orders: the two processes contend on every job as they cross. A barrier, not a
    // start time: both report ready (store open), then both get "go" at once.
    const [a, b] = [
      racer(file, leasesFile, "succeeded", "forward"),
      racer(file, leasesFile, "failed", "reverse"),
    ];
    await Promise.all([a.ready, b.ready]);
    a.child.send("go");
    b.child.send("go");
    const [appliedByA, appliedByB] = await Promise.all([a.applied, b.applied]);
    const wonByA = new Set(appliedByA);
    const wonByB = new Set(appliedByB);
    // They raced: each won some jobs (a late starter would find every job already finalized).
    expect(wonByA.size).toBeGreaterThan(0);
    expect(wonByB.size).toBeGreaterThan(0);
    for (const job of claimed) {
      expect(Number(wonByA.has(job.id)) + Number(wonByB.has(job.id))).toBe(1);
      const row = await store.get(job.id);
      expect(row!.state).toBe(wonByA.has(job.id) ? "succeeded" : "failed");
    }
    await store.close();
  }, 60_000);

  it("two connections finalizing the same jobs at once: exactly one wins each", async () => {
    const file = path.join(tempDir(), "k.db");
    const a = await openSqliteJobStore({ path: file });
    const b = await openSqliteJobStore({ path: file });
    try {
      const now = Date.now();
      await a.enqueue(
        Array.from({ length: 200 }, (_, i) => ({
          fn: "f",
          payloadJson: String(i),
          priority: 0,
          runAt: now,
          maxAttempts: 1,
          idempotencyKey: null,
          concurrencyKey: null,
          concurrencyLimit: 1,
          backoff: { type: "fixed" as const, delayMs: 0 },
          timeoutMs: 0,
          maxPending: null,
        })),
        now,
      );
      const claimed = await a.claim({
        workerId: "w",
        fns: ["f"],
        limit: 200,
        now,
        leaseMs: 60_000,
      });
      expect(claimed).toHaveLength(200);
      const win: Finalization = { kind: "succeeded", resultJson: '"a"' };
      const other: Finalization = { kind: "failed", error: { name: "E", message: "b" } };
      const results = await Promise.all(
        claimed.map((job, i) => {
          const first = {
            jobId: job.id,
            leaseToken: job.leaseToken,
            outcome: i % 2 ? win : other,
          };
          const second = {
            jobId: job.id,
            leaseToken: job.leaseToken,
            outcome: i % 2 ? other : win,
          };
          return Promise.all([a.finalize([first], now), b.finalize([second], now)]);
        }),
      );
      for (const [[ra], [rb]] of results) expect(Number(ra) + Number(rb)).toBe(1);
      const rows = await a.list({ limit: 1000 });
      expect(rows.every((r) => r.state === "succeeded" || r.state === "failed")).toBe(true);
      // What is stored is what the winner wrote.
      results.forEach(([[ra]], i) => {
        const row = rows.find((r) => r.id === claimed[i]!.id)!;
        const aWrote = i % 2 ? "succeeded" : "failed";
        expect(row.state).toBe(ra ? aWrote : aWrote === "succeeded" ? "failed" : "succeeded");
      });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("a worker that outlived its lease loses to the recovery that retried its job", async () => {
    const file = path.join(tempDir(), "k.db");
    const slow = await openSqliteJobStore({ path: file });
    const k = await fileKairos(file);
    k.define("work", (_p, ctx) => `attempt ${ctx.attempt}`, {
      backoff: { type: "fixed" as const, delayMs: 0 },
    });
    const job = await k.enqueue("work", {});
    const [claimed] = await slow.claim({
      workerId: "slow",
      fns: ["work"],
      limit: 1,
      now: Date.now(),
      leaseMs: 100,
    });
    await k.start({ recoverIntervalMs: 50 });
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    // The slow worker finally reports: its token is stale, so nothing is applied.
    const [applied] = await slow.finalize(
      [
        {
          jobId: job.id,
          leaseToken: claimed!.leaseToken,
          outcome: { kind: "succeeded", resultJson: '"stale"' },
        },
      ],
      Date.now(),
    );
    expect(applied).toBe(false);
    expect((await k.jobs.get(job.id))!.result).toBe("attempt 2");
    await slow.close();
  });

  it("cancel racing completion: every job ends in exactly one terminal state", async () => {
    const k = await memoryKairos();
    k.define("racy", async (p: { ms: number }, ctx) => {
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, p.ms);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(t);
          reject(ctx.signal.reason);
        });
      });
      return p.ms;
    });
    const terminal = new Map<string, string[]>();
    for (const name of ["job:succeeded", "job:cancelled", "job:failed"] as const) {
      k.on(name, (e) => terminal.set(e.jobId, [...(terminal.get(e.jobId) ?? []), name]));
    }
    const jobs = await k.enqueueMany(
      "racy",
      Array.from({ length: 60 }, (_, i) => ({ ms: i % 15 })),
    );
    await k.start({ concurrency: 20, cancelGraceMs: 50 });
    await Promise.all(
      jobs.map(async (job, i) => {
        await new Promise((r) => setTimeout(r, i % 17));
        await k.jobs.cancel(job.id);
      }),
    );
    await waitFor(() => terminal.size === 60, "60 terminal events");
    for (const events of terminal.values()) expect(events).toHaveLength(1);
    const rows = await k.jobs.list({ limit: 100 });
    for (const row of rows) expect(terminal.get(row.id)![0]).toBe(`job:${row.state}`);
  });
});
