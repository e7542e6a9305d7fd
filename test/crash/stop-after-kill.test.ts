/**
 * A stop is never lost: the process running a job is killed with SIGKILL, a stop is recorded
 * for the job afterwards (it is still `running` in the store, so the stop stays pending), and
 * the leader's lease recovery carries the stop out instead of retrying the job: it ends
 * `stopped` with the stop completed and its attempt not counted. A start then resumes it from
 * its checkpoint as generation 2, in a new worker process.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture } from "../helpers/child-fixture.js";
import { waitFor } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

const fixture = fileURLToPath(new URL("../fixtures/stop-worker.ts", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("crash: kill -9 before a stop is delivered", () => {
  it("carries the stop out after recovery, and a start resumes from the checkpoint", async () => {
    const file = path.join(tempDir(), "k.db");
    const producer = await fileKairos(file);
    const job = await producer.enqueue("long", { steps: 2_000 }, { allowUnknown: true });

    const worker = await startFixture(fixture, [file], "ready", children);
    await waitFor(
      async () => ((await producer.jobs.get(job.id))?.progress?.percent ?? 0) >= 5,
      "the job to make progress",
      30_000,
    );
    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    expect((await producer.jobs.get(job.id))?.state).toBe("running");

    const stop = await producer.jobs.stop(job.id);
    expect(stop.status).toBe("pending");
    // This process (no workers) becomes the leader once the dead one's leader lease (1 s)
    // runs out, and recovers the dead job lease: the stop, not a retry. Nothing could recover
    // the job before the stop was recorded: the only leader was dead.
    await producer.start({ workers: false, leaseMs: 400, recoverIntervalMs: 100 });
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

    await producer.jobs.start(job.id);
    await startFixture(fixture, [file], "ready", children);
    const done = await waitFor(
      async () => {
        const j = await producer.jobs.get(job.id);
        return j?.state === "succeeded" ? j : null;
      },
      "the restarted job to finish",
      60_000,
    );
    expect(done.result).toEqual({ steps: 2_000, generation: 2 });
    expect(done.attempt).toBe(1);
  }, 120_000);
});
