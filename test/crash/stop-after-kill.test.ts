/**
 * A stop is never lost, on SQLite and on PostgreSQL: the process running a job is killed with
 * SIGKILL, a stop is recorded for the job afterwards by this process (the job is still
 * `running` in the store, so the stop stays pending), and the leader's lease recovery carries
 * the stop out instead of retrying the job: it ends `stopped` with the stop completed and its
 * attempt not counted. A start then resumes it from its checkpoint as generation 2, in a new
 * worker process, each step done exactly once.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createKairos, type Kairos } from "../../src/index.js";
import { startFixture } from "../helpers/child-fixture.js";
import { waitFor } from "../helpers/async.js";
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

function suite(freshUrl: () => string): void {
  it("carries the stop out after recovery, and a start resumes from the checkpoint", async () => {
    const url = freshUrl();
    const stepsLog = path.join(tempDir(), "steps.log");
    const producer = await createKairos({ store: url });
    open.push(producer);
    // Generation 1 holds at step 40 (until its signal aborts): it is killed there.
    const job = await producer.enqueue("long", { steps: 100, holdAt: 40 }, { allowUnknown: true });

    const worker = await startFixture(fixture, [url, stepsLog], "ready", children);
    await waitFor(
      () => readStepsLog(stepsLog).steps.length === 40,
      "the job to reach step 40",
      30_000,
    );
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    expect((await producer.jobs.get(job.id))?.state).toBe("running");

    const stop = await producer.jobs.stop(job.id);
    expect(stop.status).toBe("pending");
    // This process (no workers) becomes the leader once the dead one's leadership is gone
    // (SQLite: its 1 s leader lease runs out; PostgreSQL: its session, and advisory lock,
    // ended with it), and recovers the dead job lease: the stop, not a retry. Nothing could
    // recover the job before the stop was recorded: the only leader was dead.
    await producer.start({
      workers: false,
      leaseMs: 400,
      recoverIntervalMs: 100,
      leaderCheckMs: 100,
    });
    const stopped = await waitFor(
      async () => {
        const j = await producer.jobs.get(job.id);
        return j?.state === "stopped" ? j : null;
      },
      "the pending stop to be carried out by recovery",
      30_000,
    );
    expect(stopped.attempt).toBe(0);
    expect((await producer.jobs.requests(job.id)).map((r) => [r.kind, r.status])).toEqual([
      ["stop", "completed"],
    ]);
    // The killed handler never saw its stop.
    expect(readStepsLog(stepsLog).stops).toEqual([]);

    await producer.jobs.start(job.id);
    await startFixture(fixture, [url, stepsLog], "ready", children);
    const done = await waitFor(
      async () => {
        const j = await producer.jobs.get(job.id);
        return j?.state === "succeeded" ? j : null;
      },
      "the restarted job to finish",
      60_000,
    );
    expect(done.result).toEqual({ steps: 100, generation: 2 });
    expect(done.attempt).toBe(1);
    expect(readStepsLog(stepsLog).steps.map((s) => [s.g, s.step])).toEqual([
      ...stepRange(1, 0, 40),
      ...stepRange(2, 40, 100),
    ]);
  }, 120_000);
}

describe("crash: kill -9 before a stop is delivered (SQLite file)", () => {
  suite(() => `sqlite:${path.join(tempDir(), "k.db")}`);
});

describePg("crash: kill -9 before a stop is delivered (PostgreSQL)", () => {
  suite(() => `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`);
});
