/**
 * The crash guarantee: a worker process killed with SIGKILL mid-run loses nothing. A new
 * process recovers the jobs the dead one held (lease expiry) and finishes the batch; every job
 * ends in exactly one terminal state and none is finalized twice.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture } from "../helpers/child-fixture.js";
import { waitFor } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

const fixture = fileURLToPath(new URL("../fixtures/crash-worker.ts", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function startWorker(file: string, log: string): Promise<ChildProcess> {
  return startFixture(fixture, [file, log], "ready", children);
}

describe("crash: kill -9 mid-run", () => {
  it("finishes every job exactly once after the worker is killed and another takes over", async () => {
    const dir = tempDir();
    const file = path.join(dir, "k.db");
    const log = path.join(dir, "finals.log");
    fs.writeFileSync(log, "");
    const producer = await fileKairos(file);
    const total = 400;
    // The workers start later: the function is not known yet.
    const jobs = await producer.enqueueMany(
      "work",
      Array.from({ length: total }, (_, n) => ({ n })),
      { allowUnknown: true },
    );

    const first = await startWorker(file, log);
    await waitFor(
      async () => (await producer.jobs.list({ state: "succeeded", limit: 10_000 })).length >= 100,
      "100 jobs done by the first worker",
      60_000,
    );
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const heldByDead = await producer.jobs.list({ state: "running", limit: 10_000 });
    expect(heldByDead.length).toBeGreaterThan(0);

    await startWorker(file, log);
    await waitFor(
      async () =>
        (await producer.jobs.list({ state: "succeeded", limit: 10_000 })).length === total,
      "all jobs succeeded after takeover",
      60_000,
    );

    const all = await producer.jobs.list({ limit: 10_000 });
    expect(all).toHaveLength(total);
    expect(all.every((j) => j.state === "succeeded")).toBe(true);
    for (const job of all) expect(job.result).toBe((job.payload as { n: number }).n);
    // Jobs the dead worker held were retried; everything else ran once.
    const dead = new Set(heldByDead.map((j) => j.id));
    for (const job of all) expect(job.attempt).toBe(dead.has(job.id) ? 2 : 1);

    const lines = fs.readFileSync(log, "utf8").trim().split("\n");
    const finalizedIds = lines.map((l) => l.split(" ")[1]);
    expect(new Set(finalizedIds).size).toBe(finalizedIds.length); // none finalized twice
    expect(lines.every((l) => l.startsWith("job:succeeded "))).toBe(true);
    // The kill can land between a commit and its log line: at most a few lines may be missing.
    expect(finalizedIds.length).toBeGreaterThanOrEqual(total - 8);
    expect(jobs.map((j) => j.id).sort()).toEqual(all.map((j) => j.id).sort());
  }, 120_000);
});
