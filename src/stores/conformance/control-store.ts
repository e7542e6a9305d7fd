/**
 * @module stores/conformance/control-store
 * The contract suite every ControlStore adapter runs (ports/control-store). Ports only: jobs
 * are made and claimed through the JobStore of the same open.
 *
 *   defineControlStoreConformance("sqlite memory", async () => {
 *     const s = await openSqliteStores({ path: ":memory:" });
 *     return { jobs: s.jobs, control: s.control, close: () => s.close() };
 *   });
 *
 * `open` is called once per test and must return empty, migrated stores.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ControlRefusedError, NotFoundError } from "../../core/errors.js";
import type { ControlStore } from "../../ports/control-store.js";
import type { JobStore } from "../../ports/job-store.js";
import { claimOne, enqueueOne, mustGet, T0 } from "./job-store-fixtures.js";

/** What the suite opens per test. */
export interface OpenedControlStore {
  readonly jobs: JobStore;
  readonly control: ControlStore;
  close(): Promise<void>;
}

/** Declare the ControlStore conformance tests for one adapter. */
export function defineControlStoreConformance(
  adapterName: string,
  open: () => Promise<OpenedControlStore>,
): void {
  describe(`ControlStore conformance: ${adapterName}`, () => {
    let s: OpenedControlStore;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    async function refusal(promise: Promise<unknown>): Promise<ControlRefusedError> {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ControlRefusedError);
      return error as ControlRefusedError;
    }

    it("stops a queued job at once: the request is completed and no worker claims it", async () => {
      const job = await enqueueOne(s.jobs);
      const stopped = await s.control.stopJob(job.id, "cli", T0 + 1);
      expect(stopped.created).toBe(true);
      expect(stopped.request).toMatchObject({
        targetKind: "job",
        targetId: job.id,
        kind: "stop",
        generation: 1,
        status: "completed",
        requestedBy: "cli",
        createdAt: T0 + 1,
        resolvedAt: T0 + 1,
        error: null,
      });
      expect(stopped.job.state).toBe("stopped");
      expect((await mustGet(s.jobs, job.id)).state).toBe("stopped");
      expect(
        await s.jobs.claim({
          workerId: "w",
          fns: ["email"],
          limit: 5,
          now: T0 + 2,
          leaseMs: 1_000,
        }),
      ).toEqual([]);
      expect(await s.control.listRequests("job", job.id)).toEqual([stopped.request]);
    });

    it("records a pending stop for a running job and leaves it running; asking again answers it", async () => {
      const job = await enqueueOne(s.jobs);
      await claimOne(s.jobs);
      const first = await s.control.stopJob(job.id, "alice", T0 + 5);
      expect(first.request).toMatchObject({ status: "pending", generation: 1, resolvedAt: null });
      expect(first.job.state).toBe("running");
      const again = await s.control.stopJob(job.id, "bob", T0 + 6);
      expect(again.created).toBe(false);
      expect(again.request).toEqual(first.request);
    });

    it("refuses a start while the stop of a running job is unresolved, naming the stop", async () => {
      const job = await enqueueOne(s.jobs);
      await claimOne(s.jobs);
      const stop = await s.control.stopJob(job.id, "cli", T0 + 5);
      const error = await refusal(s.control.startJob(job.id, "cli", T0 + 6));
      expect(error.reason).toBe("stop_unresolved");
      expect(error.stopId).toBe(stop.request.id);
      expect(error.message).toMatch(new RegExp(`^job ${job.id} is still stopping`));
      expect(await s.control.listRequests("job", job.id)).toHaveLength(1);
    });

    it("starts a stopped job as generation 2: queued at once, claimable, the start pending", async () => {
      const job = await enqueueOne(s.jobs, { runAt: T0 + 60_000 });
      await s.control.stopJob(job.id, "cli", T0 + 1);
      const started = await s.control.startJob(job.id, "cli", T0 + 2);
      expect(started.created).toBe(true);
      expect(started.request).toMatchObject({ kind: "start", generation: 2, status: "pending" });
      expect(started.job).toMatchObject({ state: "queued", runAt: T0 + 2 });
      expect(await s.control.jobControl(job.id)).toEqual({ generation: 2, checkpointJson: null });
      const again = await s.control.startJob(job.id, "cli", T0 + 3);
      expect(again).toMatchObject({ created: false, request: started.request });
      expect((await claimOne(s.jobs, { now: T0 + 3 })).id).toBe(job.id);
      const requests = await s.control.listRequests("job", job.id);
      expect(requests.map((r) => `${r.kind}:${r.generation}`)).toEqual(["stop:1", "start:2"]);
    });

    it("gives two racing starts one request, and two racing stops one", async () => {
      const job = await enqueueOne(s.jobs);
      const stops = await Promise.all([
        s.control.stopJob(job.id, "a", T0 + 1),
        s.control.stopJob(job.id, "b", T0 + 1),
      ]);
      expect(stops.filter((o) => o.created)).toHaveLength(1);
      expect(stops[0].request.id).toBe(stops[1].request.id);
      const starts = await Promise.all([
        s.control.startJob(job.id, "a", T0 + 2),
        s.control.startJob(job.id, "b", T0 + 2),
      ]);
      expect(starts.filter((o) => o.created)).toHaveLength(1);
      expect(starts[0].request.id).toBe(starts[1].request.id);
      expect(await s.control.jobControl(job.id)).toMatchObject({ generation: 2 });
    });

    it("refuses what the job's state does not allow, and unknown jobs", async () => {
      const waiting = await enqueueOne(s.jobs);
      expect((await refusal(s.control.startJob(waiting.id, "cli", T0))).reason).toBe("not_stopped");
      const claimed = await claimOne(s.jobs);
      expect((await refusal(s.control.startJob(waiting.id, "cli", T0))).reason).toBe("not_stopped");
      const done = { kind: "succeeded", resultJson: "null" } as const;
      await s.jobs.finalize(
        [{ jobId: waiting.id, leaseToken: claimed.leaseToken!, outcome: done }],
        T0 + 2,
      );
      expect((await mustGet(s.jobs, waiting.id)).state).toBe("succeeded");
      expect((await refusal(s.control.stopJob(waiting.id, "cli", T0 + 3))).reason).toBe("finished");
      expect((await refusal(s.control.startJob(waiting.id, "cli", T0 + 3))).reason).toBe(
        "finished",
      );
      for (const id of ["999999", "not-a-number"]) {
        await expect(s.control.stopJob(id, "cli", T0)).rejects.toBeInstanceOf(NotFoundError);
        await expect(s.control.startJob(id, "cli", T0)).rejects.toBeInstanceOf(NotFoundError);
      }
      expect(await s.control.listRequests("job", waiting.id)).toEqual([]);
    });

    it("saves a checkpoint only under the running lease at the current generation", async () => {
      const job = await enqueueOne(s.jobs);
      const claimed = await claimOne(s.jobs);
      const token = claimed.leaseToken!;
      expect(await s.control.saveCheckpoint(job.id, token, 1, '{"step":3}', T0 + 1)).toBe(true);
      expect(await s.control.saveCheckpoint(job.id, "other-token", 1, '{"step":9}', T0 + 2)).toBe(
        false,
      );
      expect(await s.control.saveCheckpoint(job.id, token, 2, '{"step":9}', T0 + 2)).toBe(false);
      expect(await s.control.saveCheckpoint("999999", token, 1, "1", T0 + 2)).toBe(false);
      expect(await s.control.jobControl(job.id)).toEqual({
        generation: 1,
        checkpointJson: '{"step":3}',
      });
      expect(await s.control.saveCheckpoint(job.id, token, 1, '{"step":4}', T0 + 3)).toBe(true);
      expect((await s.control.jobControl(job.id)).checkpointJson).toBe('{"step":4}');
    });

    it("keeps the checkpoint across stop and start, and the new generation's lease may save", async () => {
      const job = await enqueueOne(s.jobs);
      const first = await claimOne(s.jobs);
      await s.control.saveCheckpoint(job.id, first.leaseToken!, 1, '{"step":10}', T0 + 1);
      // Handed back unfinished (as at shutdown), then stopped while queued.
      await s.jobs.finalize(
        [{ jobId: job.id, leaseToken: first.leaseToken!, outcome: { kind: "released" } }],
        T0 + 2,
      );
      await s.control.stopJob(job.id, "cli", T0 + 3);
      await s.control.startJob(job.id, "cli", T0 + 4);
      expect(await s.control.jobControl(job.id)).toEqual({
        generation: 2,
        checkpointJson: '{"step":10}',
      });
      const second = await claimOne(s.jobs, { now: T0 + 5 });
      expect(
        await s.control.saveCheckpoint(job.id, second.leaseToken!, 1, '{"old":1}', T0 + 6),
      ).toBe(false);
      expect(
        await s.control.saveCheckpoint(job.id, second.leaseToken!, 2, '{"step":11}', T0 + 6),
      ).toBe(true);
      expect((await s.control.jobControl(job.id)).checkpointJson).toBe('{"step":11}');
    });

    it("a late result, stop report, checkpoint or heartbeat of the old generation never reaches the new one", async () => {
      const job = await enqueueOne(s.jobs);
      const old = await claimOne(s.jobs);
      await s.control.stopJob(job.id, "cli", T0 + 1);
      await s.control.completeStop(job.id, old.leaseToken!, T0 + 2);
      await s.control.startJob(job.id, "cli", T0 + 3);
      const current = await claimOne(s.jobs, { now: T0 + 4 });
      const done = { kind: "succeeded", resultJson: '"old"' } as const;
      // The old run's reports, arriving after the start: each dropped.
      expect(
        await s.jobs.finalize(
          [{ jobId: job.id, leaseToken: old.leaseToken!, outcome: done }],
          T0 + 5,
        ),
      ).toEqual([false]);
      expect(await s.control.completeStop(job.id, old.leaseToken!, T0 + 5)).toBeNull();
      expect(await s.control.saveCheckpoint(job.id, old.leaseToken!, 1, '{"x":1}', T0 + 5)).toBe(
        false,
      );
      const beat = await s.jobs.heartbeat(
        "w1",
        [{ jobId: job.id, leaseToken: old.leaseToken! }],
        T0 + 5,
        60_000,
      );
      expect(beat.lost).toEqual([job.id]);
      const running = await mustGet(s.jobs, job.id);
      expect(running).toMatchObject({ state: "running", leaseToken: current.leaseToken });
      expect(running.leaseExpiresAt).toBe(current.leaseExpiresAt);
      expect(await s.control.stopsRequested([job.id])).toEqual([]);
      // The new generation's own result is applied.
      const mine = { kind: "succeeded", resultJson: '"new"' } as const;
      expect(
        await s.jobs.finalize(
          [{ jobId: job.id, leaseToken: current.leaseToken!, outcome: mine }],
          T0 + 6,
        ),
      ).toEqual([true]);
      expect(await mustGet(s.jobs, job.id)).toMatchObject({
        state: "succeeded",
        resultJson: '"new"',
      });
    });

    it("tells a worker which of its jobs have a stop pending, and completes the stop with the job", async () => {
      const a = await enqueueOne(s.jobs);
      const b = await enqueueOne(s.jobs);
      const running = await s.jobs.claim({
        workerId: "w1",
        fns: ["email"],
        limit: 2,
        now: T0,
        leaseMs: 60_000,
      });
      expect(running).toHaveLength(2);
      await s.control.stopJob(a.id, "cli", T0 + 1);
      expect(await s.control.stopsRequested([a.id, b.id, "999999", "x"])).toEqual([a.id]);
      const tokenA = running.find((j) => j.id === a.id)!.leaseToken;
      expect(await s.control.completeStop(a.id, "not-the-lease", T0 + 2)).toBeNull();
      expect((await mustGet(s.jobs, a.id)).state).toBe("running");
      const stopped = await s.control.completeStop(a.id, tokenA, T0 + 3);
      expect(stopped).toMatchObject({ id: a.id, state: "stopped", attempt: 0, leaseToken: null });
      const [stop] = await s.control.listRequests("job", a.id);
      expect(stop).toMatchObject({ status: "completed", resolvedAt: T0 + 3 });
      expect(await s.control.stopsRequested([a.id, b.id])).toEqual([]);
      expect(await s.control.completeStop(a.id, tokenA, T0 + 4)).toBeNull();
    });

    it("hands a claimed job its generation and checkpoint and completes its start", async () => {
      const plain = await enqueueOne(s.jobs);
      const resumed = await enqueueOne(s.jobs);
      const first = await s.jobs.claim({
        workerId: "w1",
        fns: ["email"],
        limit: 2,
        now: T0,
        leaseMs: 60_000,
      });
      const tokenOf = (id: string) => first.find((j) => j.id === id)!.leaseToken;
      await s.control.saveCheckpoint(resumed.id, tokenOf(resumed.id), 1, '{"at":5}', T0 + 1);
      await s.control.stopJob(resumed.id, "cli", T0 + 2);
      await s.control.completeStop(resumed.id, tokenOf(resumed.id), T0 + 3);
      const start = await s.control.startJob(resumed.id, "cli", T0 + 4);
      const again = await claimOne(s.jobs, { now: T0 + 5 });
      expect(again.id).toBe(resumed.id);
      const control = await s.control.claimedControl([plain.id, resumed.id], T0 + 6);
      expect([...control.entries()]).toEqual([
        [resumed.id, { generation: 2, checkpointJson: '{"at":5}' }],
      ]);
      const requests = await s.control.listRequests("job", resumed.id);
      expect(requests.find((r) => r.id === start.request.id)).toMatchObject({
        status: "completed",
        resolvedAt: T0 + 6,
      });
      expect((await s.control.claimedControl([], T0)).size).toBe(0);
    });

    it("fails a start no worker began in time: the job stopped again, a new start allowed", async () => {
      const job = await enqueueOne(s.jobs, { fn: "nobody" });
      await s.control.stopJob(job.id, "cli", T0 + 1);
      const start = await s.control.startJob(job.id, "cli", T0 + 10);
      expect(await s.control.failOverdueStarts(T0 + 9, T0 + 50, "late", 10)).toEqual([]);
      const failed = await s.control.failOverdueStarts(T0 + 10, T0 + 60, "no worker began it", 10);
      expect(failed).toEqual([
        { ...start.request, status: "failed", resolvedAt: T0 + 60, error: "no worker began it" },
      ]);
      expect((await s.control.listRequests("job", job.id))[1]).toEqual(failed[0]);
      expect((await mustGet(s.jobs, job.id)).state).toBe("stopped");
      expect(await s.control.failOverdueStarts(T0 + 100, T0 + 100, "again", 10)).toEqual([]);
      const retry = await s.control.startJob(job.id, "cli", T0 + 70);
      expect(retry).toMatchObject({ created: true, request: { generation: 3, status: "pending" } });
    });

    it("never fails a start a worker has begun, acknowledged or not yet", async () => {
      const acked = await enqueueOne(s.jobs);
      const running = await enqueueOne(s.jobs);
      for (const job of [acked, running]) {
        await s.control.stopJob(job.id, "cli", T0 + 1);
        await s.control.startJob(job.id, "cli", T0 + 2);
      }
      await s.jobs.claim({
        workerId: "w1",
        fns: ["email"],
        limit: 2,
        now: T0 + 3,
        leaseMs: 60_000,
      });
      await s.control.claimedControl([acked.id], T0 + 4);
      expect(await s.control.failOverdueStarts(T0 + 100, T0 + 100, "late", 10)).toEqual([]);
      expect((await mustGet(s.jobs, running.id)).state).toBe("running");
    });

    it("fails a stop whose job ended before it reached it; leaves a stop still on its way", async () => {
      const ended = await enqueueOne(s.jobs);
      const first = await claimOne(s.jobs);
      const other = await enqueueOne(s.jobs);
      await claimOne(s.jobs);
      const late = await s.control.stopJob(ended.id, "cli", T0 + 1);
      const onItsWay = await s.control.stopJob(other.id, "cli", T0 + 1);
      const done = { kind: "succeeded", resultJson: "null" } as const;
      await s.jobs.finalize(
        [{ jobId: ended.id, leaseToken: first.leaseToken!, outcome: done }],
        T0 + 2,
      );
      const failed = await s.control.failStopsOfEnded(T0 + 3, 10);
      expect(failed).toEqual([
        {
          ...late.request,
          status: "failed",
          resolvedAt: T0 + 3,
          error: "the job ended succeeded before the stop reached it",
        },
      ]);
      expect(await s.control.listRequests("job", ended.id)).toEqual(failed);
      expect((await s.control.listRequests("job", other.id))[0]).toEqual(onItsWay.request);
      expect(await s.control.failStopsOfEnded(T0 + 4, 10)).toEqual([]);
      expect((await mustGet(s.jobs, ended.id)).state).toBe("succeeded");
    });

    it("reads the generations of jobs started again in one call (absent: generation 1)", async () => {
      const [a, b] = [await enqueueOne(s.jobs), await enqueueOne(s.jobs)];
      await s.control.stopJob(a.id, "cli", T0 + 1);
      await s.control.startJob(a.id, "cli", T0 + 2);
      const found = await s.control.generationsOf([a.id, b.id, "424242", "nope"]);
      expect([...found]).toEqual([[a.id, 2]]);
      expect(await s.control.generationsOf([])).toEqual(new Map());
    });

    it("answers generation 1 and no checkpoint for a job never controlled, or unknown", async () => {
      const job = await enqueueOne(s.jobs);
      expect(await s.control.jobControl(job.id)).toEqual({ generation: 1, checkpointJson: null });
      expect(await s.control.jobControl("424242")).toEqual({ generation: 1, checkpointJson: null });
    });
  });
}
