/**
 * A stop recorded by another process that reaches its job too late (the handler returned before
 * the worker's next lease renewal read the stop) does not stay pending forever: the leader's
 * settle-stops duty fails it with the reason, and the job keeps the outcome it ended with.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createKairos, openStores, type Kairos } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";

const open: Kairos[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

describe("a stop that came too late", () => {
  it("is failed with the reason by the leader; the job stays succeeded", async () => {
    const url = `sqlite:${path.join(tempDir(), "kairos.db")}`;
    const k = await createKairos({ store: url, startGraceMs: 400 });
    open.push(k);
    const resolved: unknown[] = [];
    k.on("control:resolved", (e) => resolved.push(e));
    let recorded = false;
    let entered = false;
    k.define("quick", async () => {
      entered = true;
      await waitFor(() => recorded, "the stop to be recorded");
      return "done before the stop arrived";
    });
    // A long lease: the worker reads pending stops only at its renewals (every leaseMs / 3).
    await k.start({ concurrency: 1, pollIntervalMs: 20, leaseMs: 60_000 });
    const job = await k.enqueue("quick", {});
    await waitFor(() => entered, "the handler to run");
    const other = await openStores(url);
    try {
      const stop = await other.control!.stopJob(job.id, "other process", Date.now());
      expect(stop.request.status).toBe("pending");
    } finally {
      await other.close();
    }
    recorded = true;
    await waitFor(async () => (await k.jobs.get(job.id))?.state === "succeeded", "succeeded");
    const [settled] = await waitFor(async () => {
      const requests = await k.jobs.requests(job.id);
      return requests[0]?.status === "failed" ? requests : null;
    }, "the late stop to be failed");
    expect(settled).toMatchObject({
      kind: "stop",
      status: "failed",
      error: "the job ended succeeded before the stop reached it",
    });
    expect((await k.jobs.get(job.id))?.result).toBe("done before the stop arrived");
    expect(resolved).toEqual([
      expect.objectContaining({
        targetId: job.id,
        kind: "stop",
        status: "failed",
        error: "the job ended succeeded before the stop reached it",
      }),
    ]);
  });
});
