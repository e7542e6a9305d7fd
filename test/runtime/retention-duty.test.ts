/**
 * The retention duty against a real SQLite store, driven by a manual clock: `run()` is called
 * directly (no timers). Jobs are brought to their states through the store with chosen `now`s.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { resolveRetention, type RetentionPolicy } from "../../src/core/retention.js";
import type { JobStore, NewJob, StoredJob } from "../../src/ports/job-store.js";
import { silentLogger } from "../../src/ports/logger.js";
import type { ScheduleStore } from "../../src/ports/schedule-store.js";
import {
  createRetentionDuty,
  type RetentionCapabilities,
} from "../../src/runtime/duties/retention.js";
import { openSqliteStores, type SqliteStores } from "../../src/stores/sqlite/index.js";
import { ManualClock } from "../helpers/manual-clock.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-03-01T12:00:00Z");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openStores(): Promise<{ stores: SqliteStores; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-retention-duty-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "kairos.db");
  const stores = await openSqliteStores({ path: file });
  cleanups.push(() => stores.close());
  return { stores, file };
}

function newJob(fn: string, runAt: number): NewJob {
  return {
    fn,
    payloadJson: "{}",
    priority: 0,
    runAt,
    maxAttempts: 2,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: { type: "fixed" as const, delayMs: 0 },
    timeoutMs: 0,
    maxPending: null,
  };
}

/** A job of `fn` that succeeded `ago` ms before NOW, with one log line. */
async function finishedJob(jobs: JobStore, fn: string, ago: number): Promise<StoredJob> {
  const at = NOW - ago;
  const [outcome] = await jobs.enqueue([newJob(fn, at)], at);
  const [running] = await jobs.claim({
    workerId: "w",
    fns: [fn],
    limit: 1,
    now: at,
    leaseMs: 1000,
  });
  expect(running?.id).toBe(outcome!.job.id);
  await jobs.finalize(
    [
      {
        jobId: running!.id,
        leaseToken: running!.leaseToken,
        outcome: { kind: "succeeded", resultJson: "1" },
      },
    ],
    at,
  );
  await jobs.appendLogs([{ jobId: running!.id, attempt: 1, at, level: "info", message: "done" }]);
  return running!;
}

function capabilities(
  stores: { jobs: JobStore; schedules: ScheduleStore },
  clock: ManualClock,
  policy: () => RetentionPolicy,
): RetentionCapabilities {
  return {
    deleteFinishedJobs: (d) => stores.jobs.deleteFinishedJobs(d),
    deleteScheduleHistory: (d) => stores.schedules.deleteScheduleHistory(d),
    retention: policy,
    now: () => clock.now(),
    logger: silentLogger,
  };
}

const exists = async (jobs: JobStore, job: StoredJob) => (await jobs.get(job.id)) !== null;

describe("retention duty", () => {
  it("deletes what is past its retention, per function, and nothing else", async () => {
    const { stores, file } = await openStores();
    const { jobs } = stores;
    const clock = new ManualClock(NOW);
    const policy = resolveRetention({
      default: "7d",
      functions: [
        ["audit", "forever"],
        ["report", "30d"],
      ],
    });

    const email8 = await finishedJob(jobs, "email", 8 * DAY);
    const email6 = await finishedJob(jobs, "email", 6 * DAY);
    const audit8 = await finishedJob(jobs, "audit", 8 * DAY);
    const audit400 = await finishedJob(jobs, "audit", 400 * DAY);
    const report8 = await finishedJob(jobs, "report", 8 * DAY);
    const report31 = await finishedJob(jobs, "report", 31 * DAY);
    // Not finished, however old: queued, scheduled, running, retrying, stopped.
    const old = NOW - 100 * DAY;
    const [queued] = await jobs.enqueue([newJob("idle", old)], old);
    const [scheduled] = await jobs.enqueue([newJob("later", NOW + DAY)], old);
    await jobs.enqueue([newJob("busy", old), newJob("flaky", old), newJob("paused", old)], old);
    const [running] = await jobs.claim({
      workerId: "w",
      fns: ["busy"],
      limit: 1,
      now: old,
      leaseMs: 1e12,
    });
    const [retrying] = await jobs.claim({
      workerId: "w",
      fns: ["flaky"],
      limit: 1,
      now: old,
      leaseMs: 1000,
    });
    await jobs.finalize(
      [
        {
          jobId: retrying!.id,
          leaseToken: retrying!.leaseToken,
          outcome: { kind: "retrying", error: { name: "E", message: "x" }, runAt: NOW + DAY },
        },
      ],
      old,
    );
    const [stopped] = await jobs.claim({
      workerId: "w",
      fns: ["paused"],
      limit: 1,
      now: old,
      leaseMs: 1000,
    });
    const raw = new Database(file);
    cleanups.push(() => void raw.close());
    raw
      .prepare(
        "UPDATE jobs SET state = 'stopped', finished_at = ?, lease_token = NULL WHERE id = ?",
      )
      .run(old, Number(stopped!.id));

    await createRetentionDuty(capabilities(stores, clock, () => policy)).run(
      new AbortController().signal,
    );

    expect(await exists(jobs, email8)).toBe(false);
    expect(await jobs.getLogs(email8.id)).toEqual([]);
    expect(await exists(jobs, email6)).toBe(true);
    expect(await jobs.getLogs(email6.id)).toHaveLength(1);
    expect(await exists(jobs, audit8)).toBe(true);
    expect(await exists(jobs, audit400)).toBe(true);
    expect(await exists(jobs, report8)).toBe(true);
    expect(await exists(jobs, report31)).toBe(false);
    for (const job of [queued!.job, scheduled!.job, running!, retrying!, stopped!]) {
      expect(await exists(jobs, job), job.fn).toBe(true);
    }
    expect((await jobs.get(stopped!.id))?.state).toBe("stopped");

    // Two days later email6 is 8 days old; report8 is still within its 30 days.
    clock.advance(2 * DAY);
    await createRetentionDuty(capabilities(stores, clock, () => policy)).run(
      new AbortController().signal,
    );
    expect(await exists(jobs, email6)).toBe(false);
    expect(await exists(jobs, report8)).toBe(true);
  });

  it("reads the policy at every run, so a changed retention takes effect", async () => {
    const { stores } = await openStores();
    const clock = new ManualClock(NOW);
    let policy = resolveRetention({ default: "forever" });
    const duty = createRetentionDuty(capabilities(stores, clock, () => policy));
    const job = await finishedJob(stores.jobs, "email", 3 * DAY);
    await duty.run(new AbortController().signal);
    expect(await exists(stores.jobs, job)).toBe(true);
    policy = resolveRetention({ default: "forever", functions: [["email", "2d"]] });
    await duty.run(new AbortController().signal);
    expect(await exists(stores.jobs, job)).toBe(false);
  });

  it("prunes schedule history older than the default, keeping each schedule's newest", async () => {
    const { stores } = await openStores();
    const { schedules } = stores;
    const clock = new ManualClock(NOW);
    await schedules.applyPlan(
      ["busy", "rare"].map((name) => ({
        op: "create_schedule" as const,
        schedule: {
          name,
          fn: "report",
          timing: { kind: "every" as const, everyMs: 60_000 },
          payloadJson: "{}",
          enabled: true,
          pauseNote: null,
          overlap: "skip" as const,
          bufferLimit: 1,
          catchup: "skip" as const,
          catchupWindowMs: 0,
          jitterMs: 0,
          source: "api" as const,
        },
        initial: { nextSlotAt: NOW, nextDueAt: NOW },
      })),
      NOW - 60 * DAY,
    );
    // busy: 150 entries 20 days ago and 5 yesterday; rare: 3 entries 50 days ago.
    for (let i = 0; i < 150; i += 1)
      await schedules.setEnabled("busy", i % 2 === 1, null, NOW - 20 * DAY + i);
    for (let i = 0; i < 5; i += 1)
      await schedules.setEnabled("busy", i % 2 === 0, null, NOW - DAY + i);
    for (let i = 0; i < 3; i += 1)
      await schedules.setEnabled("rare", i % 2 === 1, null, NOW - 50 * DAY + i);
    const busy = (await schedules.getSchedule("busy"))!;
    const rare = (await schedules.getSchedule("rare"))!;

    const duty = createRetentionDuty(
      capabilities(stores, clock, () => resolveRetention({})),
      { batchSize: 40, historyKeepLatest: 20 },
    );
    await duty.run(new AbortController().signal);
    const history = await schedules.history(busy.id, 1000);
    expect(history).toHaveLength(20); // 5 recent + the 15 newest of the old ones
    expect(history.filter((e) => e.at >= NOW - 7 * DAY)).toHaveLength(5);
    expect(await schedules.history(rare.id, 1000)).toHaveLength(3);
  });

  it("stops between batches when the signal aborts, and yields between batches", async () => {
    const { stores } = await openStores();
    const clock = new ManualClock(NOW);
    for (let i = 0; i < 10; i += 1) await finishedJob(stores.jobs, "email", 8 * DAY + i);
    const controller = new AbortController();
    const calls: number[] = [];
    let immediates = 0;
    const caps = capabilities(stores, clock, () => resolveRetention({}));
    const duty = createRetentionDuty(
      {
        ...caps,
        deleteFinishedJobs: async (d) => {
          const n = await caps.deleteFinishedJobs(d);
          calls.push(n);
          // Counts the event-loop turns the duty lets through between batches.
          setImmediate(() => (immediates += 1));
          if (calls.length === 2) controller.abort();
          return n;
        },
      },
      { batchSize: 3 },
    );
    await duty.run(controller.signal);
    expect(calls).toEqual([3, 3]);
    expect(immediates).toBeGreaterThanOrEqual(1);
    expect(await stores.jobs.list({ limit: 100 })).toHaveLength(4);

    // The next run (not aborted) finishes the job: 3 + 1, then a short batch ends the pass.
    await duty.run(new AbortController().signal);
    expect(calls).toEqual([3, 3, 3, 1]);
    expect(await stores.jobs.list({ limit: 100 })).toEqual([]);
    // An already aborted signal: the run does nothing.
    const aborted = new AbortController();
    aborted.abort();
    await finishedJob(stores.jobs, "email", 8 * DAY);
    await duty.run(aborted.signal);
    expect(calls).toHaveLength(4);
  });

  it("is a leader duty named retention, every 10 minutes by default", () => {
    const duty = createRetentionDuty({
      deleteFinishedJobs: async () => 0,
      retention: () => resolveRetention({}),
      now: () => NOW,
      logger: silentLogger,
    });
    expect(duty.name).toBe("retention");
    expect(duty.intervalMs).toBe(600_000);
  });
});
