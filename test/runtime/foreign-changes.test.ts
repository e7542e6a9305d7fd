/**
 * A worker wakes on changes committed by another process (the store's change token), never
 * losing one: not the first change after it starts, and not one that arrives while a claim is
 * in flight. The poll interval is far longer than the tests, so only the change token can wake
 * the worker.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nextEvent } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

describe("foreign changes wake idle workers", () => {
  it("notices a foreign enqueue committed right after the worker started", async () => {
    const file = path.join(tempDir(), "k.db");
    const producer = await fileKairos(file);
    const worker = await fileKairos(file);
    worker.define("work", (p: { n: number }) => p.n * 2);
    await worker.start({ pollIntervalMs: 60_000 });
    const job = await producer.enqueue("work", { n: 21 });
    await nextEvent(worker, "job:succeeded", (e) => e.jobId === job.id, 5_000);
    expect(await producer.jobs.get(job.id)).toMatchObject({ state: "succeeded", result: 42 });
  });

  it("notices a foreign enqueue after running a job of its own", async () => {
    const file = path.join(tempDir(), "k.db");
    const producer = await fileKairos(file);
    const worker = await fileKairos(file);
    worker.define("work", (p: { n: number }) => p.n * 2);
    await worker.start({ pollIntervalMs: 60_000 });
    const warmUp = await worker.enqueue("work", { n: 1 });
    await nextEvent(worker, "job:succeeded", (e) => e.jobId === warmUp.id, 5_000);
    const job = await producer.enqueue("work", { n: 21 });
    await nextEvent(worker, "job:succeeded", (e) => e.jobId === job.id, 5_000);
  });
});
