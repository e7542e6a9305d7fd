/**
 * @module stores/conformance/job-store-queries
 * Conformance of the remaining JobStore calls: progress, logs, get, list, nextRunAt,
 * listRunningWithKey, countQueuedAhead, changeToken, and the lifecycle (idempotent migrate, ShuttingDown after close).
 */
import { describe, expect, it } from "vitest";
import { ShuttingDownError } from "../../core/errors.js";
import type { JobLogLine, JobStore } from "../../ports/job-store.js";
import {
  T0,
  claim,
  claimOne,
  enqueueMany,
  enqueueOne,
  expectKairosError,
  ids,
  mustGet,
  newJob,
  type SuiteContext,
} from "./job-store-fixtures.js";

function logLine(jobId: string, at: number, message: string): JobLogLine {
  return { jobId, attempt: 1, at, level: "info", message };
}

export function defineQueryTests(ctx: SuiteContext): void {
  describe("setProgress", () => {
    it("records progress under the lease token", async () => {
      const store = ctx.store();
      await enqueueOne(store);
      const running = await claimOne(store);
      expect(await store.setProgress(running.id, running.leaseToken!, 40, "halfway", T0 + 5)).toBe(
        true,
      );
      expect((await mustGet(store, running.id)).progress).toEqual({
        percent: 40,
        message: "halfway",
        at: T0 + 5,
      });
      expect(await store.setProgress(running.id, running.leaseToken!, 80, null, T0 + 6)).toBe(true);
      expect((await mustGet(store, running.id)).progress).toEqual({
        percent: 80,
        message: null,
        at: T0 + 6,
      });
    });

    it("refuses a wrong token, a job not running, and an unknown job", async () => {
      const store = ctx.store();
      const queued = await enqueueOne(store, { fn: "later" });
      await enqueueOne(store);
      const running = await claimOne(store);
      expect(await store.setProgress(running.id, "wrong", 10, null, T0 + 1)).toBe(false);
      expect(await store.setProgress(queued.id, running.leaseToken!, 10, null, T0 + 1)).toBe(false);
      expect(await store.setProgress("no-such-job", "t", 10, null, T0 + 1)).toBe(false);
      expect((await mustGet(store, running.id)).progress).toBeNull();
      expect((await mustGet(store, queued.id)).progress).toBeNull();

      await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "succeeded", resultJson: "1" },
          },
        ],
        T0 + 2,
      );
      expect(await store.setProgress(running.id, running.leaseToken!, 99, "late", T0 + 3)).toBe(
        false,
      );
      expect((await mustGet(store, running.id)).progress).toBeNull();
    });
  });

  describe("logs", () => {
    it("returns a job's lines oldest first, across appends, and only that job's", async () => {
      const store = ctx.store();
      const [a, b] = await enqueueMany(store, 2);
      await store.appendLogs([
        logLine(a!.id, T0 + 1, "a1"),
        { jobId: a!.id, attempt: 1, at: T0 + 2, level: "warn", message: "a2" },
        logLine(b!.id, T0 + 2, "b1"),
      ]);
      await store.appendLogs([
        { jobId: a!.id, attempt: 2, at: T0 + 3, level: "error", message: "a3" },
      ]);
      expect(withoutSeq(await store.getLogs(a!.id))).toEqual([
        logLine(a!.id, T0 + 1, "a1"),
        { jobId: a!.id, attempt: 1, at: T0 + 2, level: "warn", message: "a2" },
        { jobId: a!.id, attempt: 2, at: T0 + 3, level: "error", message: "a3" },
      ]);
      expect(withoutSeq(await store.getLogs(b!.id))).toEqual([logLine(b!.id, T0 + 2, "b1")]);
    });

    it("keeps the append order of lines with the same instant", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      const messages = ["one", "two", "three", "four", "five"];
      await store.appendLogs(messages.slice(0, 3).map((m) => logLine(job.id, T0, m)));
      await store.appendLogs(messages.slice(3).map((m) => logLine(job.id, T0, m)));
      expect((await store.getLogs(job.id)).map((line) => line.message)).toEqual(messages);
    });

    it("reads incrementally after a line's seq, in append order", async () => {
      const store = ctx.store();
      const [job, other] = await enqueueMany(store, 2);
      await store.appendLogs([logLine(job!.id, T0 + 5, "one"), logLine(other!.id, T0, "x")]);
      const first = await store.getLogs(job!.id);
      expect(first.map((l) => l.message)).toEqual(["one"]);
      const cursor = first[0]!.seq!;
      expect(typeof cursor).toBe("number");
      expect(await store.getLogs(job!.id, undefined, cursor)).toEqual([]);
      // A later line with an earlier instant is still "after": seq follows append order.
      await store.appendLogs([logLine(job!.id, T0 + 1, "two"), logLine(job!.id, T0 + 9, "three")]);
      const next = await store.getLogs(job!.id, undefined, cursor);
      expect(next.map((l) => l.message)).toEqual(["two", "three"]);
      expect(next[0]!.seq!).toBeGreaterThan(cursor);
      expect(next[1]!.seq!).toBeGreaterThan(next[0]!.seq!);
      expect((await store.getLogs(job!.id, 1, cursor)).map((l) => l.message)).toEqual(["two"]);
      expect(await store.getLogs(job!.id, undefined, next[1]!.seq)).toEqual([]);
      expect(await store.getLogs("no-such-job", undefined, 0)).toEqual([]);
    });

    it("accepts lines in any state, an empty append, and caps reads at limit", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      await store.cancel(job.id, T0 + 1);
      await store.appendLogs([]);
      await store.appendLogs(
        Array.from({ length: 10 }, (_, i) => logLine(job.id, T0 + 10 + i, `line ${i}`)),
      );
      expect(await store.getLogs(job.id)).toHaveLength(10);
      expect(await store.getLogs(job.id, 4)).toHaveLength(4);
      expect(await store.getLogs("no-such-job")).toEqual([]);
    });
  });

  describe("get", () => {
    it("returns null for an unknown id", async () => {
      expect(await ctx.store().get("no-such-job")).toBeNull();
    });
  });

  describe("list", () => {
    /** Five jobs created one ms apart: j0 oldest ... j4 newest; j1, j3 are fn "other". */
    async function seed(store: JobStore) {
      const jobs = [];
      for (let i = 0; i < 5; i += 1) {
        jobs.push(await enqueueOne(store, { fn: i % 2 === 1 ? "other" : "email" }, T0 + i));
      }
      return jobs;
    }

    it("lists newest first", async () => {
      const store = ctx.store();
      const jobs = await seed(store);
      expect(ids(await store.list({}))).toEqual(ids(jobs).reverse());
    });

    it("filters by fn", async () => {
      const store = ctx.store();
      const [j0, j1, j2, j3, j4] = await seed(store);
      expect(ids(await store.list({ fn: "other" }))).toEqual([j3!.id, j1!.id]);
      expect(ids(await store.list({ fn: "email" }))).toEqual([j4!.id, j2!.id, j0!.id]);
      expect(await store.list({ fn: "nothing" })).toEqual([]);
    });

    it("filters by one state or several", async () => {
      const store = ctx.store();
      const [j0, , j2, , j4] = await seed(store);
      const running = await claimOne(store, { now: T0 + 10 }); // j0: oldest, same priority
      expect(running.id).toBe(j0!.id);
      await store.cancel(j2!.id, T0 + 11);
      const scheduled = await enqueueOne(store, { runAt: T0 + 1_000 }, T0 + 12);

      expect(ids(await store.list({ state: "running" }))).toEqual([j0!.id]);
      expect(ids(await store.list({ state: "cancelled" }))).toEqual([j2!.id]);
      expect(ids(await store.list({ state: ["running", "cancelled"] }))).toEqual([j2!.id, j0!.id]);
      expect(ids(await store.list({ state: ["scheduled", "running"] }))).toEqual([
        scheduled.id,
        j0!.id,
      ]);
      expect(await store.list({ state: "succeeded" })).toEqual([]);
      expect(ids(await store.list({ state: "queued", fn: "other" }))).toEqual(
        ids(await store.list({ fn: "other" })),
      );
      expect(ids(await store.list({ state: "queued", fn: "email" }))).toEqual([j4!.id]);
    });

    it("respects limit and pages with beforeId", async () => {
      const store = ctx.store();
      const [j0, j1, j2, j3, j4] = await seed(store);
      const page1 = await store.list({ limit: 2 });
      expect(ids(page1)).toEqual([j4!.id, j3!.id]);
      const page2 = await store.list({ limit: 2, beforeId: page1[1]!.id });
      expect(ids(page2)).toEqual([j2!.id, j1!.id]);
      const page3 = await store.list({ limit: 2, beforeId: page2[1]!.id });
      expect(ids(page3)).toEqual([j0!.id]);
      expect(await store.list({ limit: 2, beforeId: j0!.id })).toEqual([]);
      expect(ids(await store.list({ fn: "email", beforeId: j4!.id }))).toEqual([j2!.id, j0!.id]);
    });

    it("returns full stored jobs", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store, { payloadJson: '{"k":"v"}', priority: 3 });
      expect(await store.list({})).toEqual([job]);
    });
  });

  describe("nextRunAt", () => {
    it("is null when no job waits", async () => {
      const store = ctx.store();
      expect(await store.nextRunAt(["email"])).toBeNull();
      await enqueueOne(store); // queued, not scheduled
      expect(await store.nextRunAt(["email"])).toBeNull();
    });

    it("is the earliest runAt among scheduled and retrying jobs of the fns", async () => {
      const store = ctx.store();
      await enqueueOne(store, { fn: "a", runAt: T0 + 3_000 });
      await enqueueOne(store, { fn: "a", runAt: T0 + 2_000 });
      await enqueueOne(store, { fn: "b", runAt: T0 + 1_000 });
      await enqueueOne(store, { fn: "c", runAt: T0 + 500 });
      await enqueueOne(store, { fn: "a", runAt: T0 - 5 }); // queued: not counted

      expect(await store.nextRunAt(["a"])).toBe(T0 + 2_000);
      expect(await store.nextRunAt(["a", "b"])).toBe(T0 + 1_000);
      expect(await store.nextRunAt(["zzz"])).toBeNull();
      expect(await store.nextRunAt([])).toBeNull();

      // A retrying job of "a" due earlier than its scheduled ones.
      const running = await claimOne(store, { fns: ["a"] });
      await store.finalize(
        [
          {
            jobId: running.id,
            leaseToken: running.leaseToken!,
            outcome: { kind: "retrying", error: { name: "E", message: "x" }, runAt: T0 + 700 },
          },
        ],
        T0 + 1,
      );
      expect(await store.nextRunAt(["a"])).toBe(T0 + 700);

      // Once the scheduled "c" job runs it no longer counts.
      await claimOne(store, { fns: ["c"], now: T0 + 500 });
      expect(await store.nextRunAt(["c"])).toBeNull();
    });
  });

  describe("listRunningWithKey", () => {
    it("lists the running jobs of one key, oldest first, within the limit", async () => {
      const store = ctx.store();
      const key = { concurrencyKey: "db", concurrencyLimit: 3 };
      const [a, b, c] = await enqueueMany(store, 3, () => key);
      await enqueueOne(store, { fn: "other", concurrencyKey: "db", concurrencyLimit: 3 }); // queued
      await enqueueOne(store, { concurrencyKey: "dbx", concurrencyLimit: 3 });
      await enqueueOne(store); // no key
      await claim(store, { limit: 6 });
      expect(ids(await store.listRunningWithKey("db", 10))).toEqual(ids([a!, b!, c!]));
      expect(ids(await store.listRunningWithKey("db", 2))).toEqual(ids([a!, b!]));
      expect((await store.listRunningWithKey("db", 10))[0]).toMatchObject({
        state: "running",
        leaseOwner: "w1",
      });
      expect(await store.listRunningWithKey("none", 10)).toEqual([]);
    });
  });

  describe("countQueuedAhead", () => {
    it("counts the queued jobs ahead in claim order: priority, then runAt, then id", async () => {
      const store = ctx.store();
      const high = await enqueueOne(store, { priority: 5, runAt: T0 - 10 });
      const early = await enqueueOne(store, { runAt: T0 - 100 });
      const me = await enqueueOne(store, { runAt: T0 - 50 });
      const tie = await enqueueOne(store, { runAt: T0 - 50, fn: "other" });
      await enqueueOne(store, { priority: -1, runAt: T0 - 1_000 }); // lower priority: behind
      await enqueueOne(store, { priority: 9, runAt: T0 + 60_000 }); // scheduled: not counted
      const at = (j: typeof me) => ({ jobId: j.id, priority: j.priority, runAt: j.runAt });
      expect(await store.countQueuedAhead(at(me), 100)).toBe(2);
      expect(await store.countQueuedAhead(at(tie), 100)).toBe(3);
      expect(await store.countQueuedAhead(at(high), 100)).toBe(0);
      expect(await store.countQueuedAhead(at(early), 100)).toBe(1);
      expect(await store.countQueuedAhead(at(tie), 2)).toBe(2);
      // A running job is no longer queued.
      await claimOne(store);
      expect(await store.countQueuedAhead(at(me), 100)).toBe(1);
      // A due job not yet promoted finds its place among the queued ones.
      const due = { jobId: "999999", priority: 0, runAt: T0 - 60 };
      expect(await store.countQueuedAhead(due, 100)).toBe(1);
    });
  });

  describe("changeToken", () => {
    it("returns a string or null", async () => {
      const token = await ctx.store().changeToken();
      expect(token === null || typeof token === "string").toBe(true);
    });
  });

  describe("lifecycle", () => {
    it("migrate is idempotent and keeps the data", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      await store.migrate();
      await store.migrate();
      expect(await store.get(job.id)).toEqual(job);
      expect(await claim(store)).toHaveLength(1);
    });

    it("throws ShuttingDownError from every call after close", async () => {
      const store = ctx.store();
      const job = await enqueueOne(store);
      await ctx.close();
      const calls: [string, () => Promise<unknown>][] = [
        ["enqueue", () => store.enqueue([newJob()], T0)],
        ["claim", () => claim(store)],
        [
          "finalize",
          () =>
            store.finalize([{ jobId: job.id, leaseToken: "t", outcome: { kind: "released" } }], T0),
        ],
        ["heartbeat", () => store.heartbeat("w1", [{ jobId: job.id, leaseToken: "t" }], T0, 1_000)],
        ["listExpired", () => store.listExpired(T0, 10)],
        ["cancel", () => store.cancel(job.id, T0)],
        ["setProgress", () => store.setProgress(job.id, "t", 1, null, T0)],
        ["appendLogs", () => store.appendLogs([logLine(job.id, T0, "x")])],
        ["getLogs", () => store.getLogs(job.id)],
        ["get", () => store.get(job.id)],
        ["list", () => store.list({})],
        ["nextRunAt", () => store.nextRunAt(["email"])],
        ["changeToken", () => store.changeToken()],
        ["migrate", () => store.migrate()],
      ];
      for (const [name, call] of calls) {
        // A synchronous throw counts as well as a rejection.
        const promise = Promise.resolve().then(call);
        const error = await expectKairosError(promise, ShuttingDownError, "SHUTTING_DOWN").catch(
          (failure: unknown) => {
            throw new Error(`${name} after close`, { cause: failure });
          },
        );
        expect(error).toBeInstanceOf(ShuttingDownError);
      }
    });
  });
}

/** Lines without their store-assigned seq (compared by content). */
function withoutSeq(lines: readonly JobLogLine[]): JobLogLine[] {
  return lines.map(({ seq: _seq, ...line }) => line);
}
