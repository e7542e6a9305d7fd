/**
 * Stop and start across processes on PostgreSQL (issue 11: "stop and job in different
 * processes"): the job runs in a child worker (test/fixtures/stop-worker.ts) while this
 * process, engines on the same schema without workers, records the stop and the start.
 * The stop reaches the child's handler (JOB_STOPPED); a start while that stop is unresolved is
 * refused (stop_unresolved), accepted right after it resolves; generation 2 resumes from the
 * checkpoint in the child, each step done exactly once. Two engines starting at once get one
 * start request.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { ControlRefusedError } from "../../src/core/errors.js";
import { createKairos, type Kairos } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { startFixture } from "../helpers/child-fixture.js";
import { tempDir } from "../helpers/kairos.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";
import { readStepsLog, stepRange } from "../helpers/steps-log.js";

const fixture = fileURLToPath(new URL("../fixtures/stop-worker.ts", import.meta.url));
const children: ChildProcess[] = [];
const open: Kairos[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

const freshUrl = (): string =>
  `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`;

/** An engine of this process on `url`, never started: no worker, no leader duty. */
async function engine(url: string): Promise<Kairos> {
  const k = await createKairos({ store: url });
  open.push(k);
  return k;
}

describePg("stop and start across processes (PostgreSQL)", () => {
  it("a stop recorded here reaches the handler in the worker process; a start there resumes it from its checkpoint, each step once", async () => {
    const url = freshUrl();
    const here = await engine(url);
    const other = await engine(url);
    const dir = tempDir();
    const stepsLog = path.join(dir, "steps.log");
    const releaseFile = path.join(dir, "release");
    const job = await here.enqueue(
      "long",
      { steps: 60, holdAt: 25, releaseFile },
      { allowUnknown: true },
    );
    await startFixture(fixture, [url, stepsLog], "ready", children);
    // Generation 1 holds at step 25 until its signal aborts: the stop lands there.
    await waitFor(() => readStepsLog(stepsLog).steps.length === 25, "25 steps in the worker");

    const stop = await here.jobs.stop(job.id, { requestedBy: "test" });
    expect(stop).toMatchObject({ kind: "stop", generation: 1, status: "pending" });
    const [seen] = await waitFor(() => {
      const { stops } = readStepsLog(stepsLog);
      return stops.length > 0 ? stops : null;
    }, "the worker's handler to see the stop");
    expect(seen).toEqual({ g: 1, stopped: 25, reason: "JOB_STOPPED" });

    // Delivered, not resolved: the handler waits for the release file, the job still runs.
    expect((await here.jobs.get(job.id))?.state).toBe("running");
    const refused = await other.jobs.start(job.id).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ControlRefusedError);
    expect(refused).toMatchObject({
      code: "CONTROL_REFUSED",
      reason: "stop_unresolved",
      stopId: stop.id,
    });

    fs.writeFileSync(releaseFile, "");
    const stopped = await waitFor(async () => {
      const j = await here.jobs.get(job.id);
      return j?.state === "stopped" ? j : null;
    }, "the job to end stopped");
    expect(stopped.attempt).toBe(0);
    expect((await here.jobs.requests(job.id)).map((r) => [r.kind, r.status])).toEqual([
      ["stop", "completed"],
    ]);

    const start = await other.jobs.start(job.id);
    expect(start).toMatchObject({ kind: "start", generation: 2 });
    const done = await waitFor(async () => {
      const j = await here.jobs.get(job.id);
      return j?.state === "succeeded" ? j : null;
    }, "generation 2 to succeed in the worker");
    expect(done.result).toEqual({ steps: 60, generation: 2 });
    const { steps, stops } = readStepsLog(stepsLog);
    expect(steps.map((s) => [s.g, s.step])).toEqual([
      ...stepRange(1, 0, 25),
      ...stepRange(2, 25, 60),
    ]);
    expect(stops).toHaveLength(1);
    expect((await here.jobs.requests(job.id)).map((r) => [r.kind, r.generation, r.status])).toEqual(
      [
        ["stop", 1, "completed"],
        ["start", 2, "completed"],
      ],
    );
  });

  it("two engines starting a stopped job at once get one start request (the same id)", async () => {
    const url = freshUrl();
    const a = await engine(url);
    const b = await engine(url);
    // Defined (known: a start of a function defined nowhere is refused), never run: no workers.
    for (const k of [a, b]) k.define("nobody-runs-me", () => null);
    const jobs = [];
    for (let i = 0; i < 20; i++) {
      const job = await a.enqueue("nobody-runs-me", { i });
      await a.jobs.stop(job.id); // queued: stopped at once
      jobs.push(job);
    }
    const pairs = await Promise.all(
      jobs.map((job) => Promise.all([a.jobs.start(job.id), b.jobs.start(job.id)])),
    );
    for (const [i, [fromA, fromB]] of pairs.entries()) {
      expect(fromA.id).toBe(fromB.id);
      expect(fromA).toMatchObject({ kind: "start", generation: 2 });
      const requests = await b.jobs.requests(jobs[i]!.id);
      expect(requests.map((r) => [r.kind, r.generation])).toEqual([
        ["stop", 1],
        ["start", 2],
      ]);
    }
  });
});
