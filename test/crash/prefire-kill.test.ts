/**
 * Pre-firing survives a crash: the scheduler process is killed (SIGKILL) right after it wrote
 * a slot's job ahead of the slot; another process runs that job at its slot, exactly once, and
 * no second job is ever written for the slot.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture } from "../helpers/child-fixture.js";
import { waitFor } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

const fixture = fileURLToPath(new URL("../fixtures/prefire-scheduler.ts", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("crash: kill -9 after a pre-fire", () => {
  it("runs the pre-fired job once, at its slot, in another process", async () => {
    const file = path.join(tempDir(), "p.db");
    const scheduler = await startFixture(fixture, [file], "ready", children);
    const observer = await fileKairos(file);
    let prefired: { id: string; runAt: Date } | undefined;
    await waitFor(
      async () => {
        const [job] = await observer.jobs.list({ fn: "work", state: "scheduled", limit: 10 });
        prefired = job;
        return job !== undefined;
      },
      "a pre-fired job",
      30_000,
    );
    scheduler.kill("SIGKILL");
    await new Promise((r) => scheduler.once("exit", r));
    const slotJob = prefired!;
    expect(slotJob.runAt.getTime()).toBeGreaterThan(Date.now() - 1_000);

    const runs: number[] = [];
    const worker = await fileKairos(file);
    worker.define("work", () => {
      runs.push(Date.now());
    });
    await worker.start({ scheduler: { prefireLeadMs: 5_000 } });
    await waitFor(
      async () => (await worker.jobs.get(slotJob.id))?.state === "succeeded",
      "the pre-fired job succeeded",
      30_000,
    );
    // The slot's job, once; the new leader never wrote a second job for it.
    const all = await worker.jobs.list({ fn: "work", limit: 1_000 });
    const sameSlot = all.filter((j) => j.runAt.getTime() === slotJob.runAt.getTime());
    expect(sameSlot.map((j) => j.id)).toEqual([slotJob.id]);
    expect((await worker.jobs.get(slotJob.id))?.attempt).toBe(1);
    expect(runs[0]).toBeGreaterThanOrEqual(slotJob.runAt.getTime());
  }, 90_000);
});
