import { describe, expect, it } from "vitest";
import { LogBuffer } from "../../src/runtime/worker/log-buffer.js";
import { collect, deferred, nextEvent, waitFor } from "../helpers/async.js";
import { memoryKairos } from "../helpers/kairos.js";

describe("job:log", () => {
  it("is emitted once per job per written batch, with its line count, never per line", async () => {
    const k = await memoryKairos();
    const firstWritten = deferred();
    const release = deferred();
    k.define("chatty", async (_p, ctx) => {
      ctx.log("one");
      ctx.log("two");
      ctx.log("three");
      await firstWritten.promise;
      ctx.log("four", "warn");
      await release.promise;
      return null;
    });
    k.define("quiet", async () => null);
    const logged = collect(k, "job:log");
    k.on("job:log", () => firstWritten.resolve());
    const job = await k.enqueue("chatty", {});
    await k.enqueue("quiet", {});
    await k.start();
    await waitFor(() => logged.length === 2, "two job:log events");
    release.resolve();
    await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
    expect(logged.map((e) => [e.jobId, e.fn, e.lines, e.runId])).toEqual([
      [job.id, "chatty", 3, undefined],
      [job.id, "chatty", 1, undefined],
    ]);
    // Recorded in the durable feed as a job event, so every replica's SSE sees it.
    await waitFor(async () => {
      const page = await k.feed.read({ kinds: ["job"] }, 0, 100);
      return page.items.filter((e) => e.name === "job:log").length === 2;
    }, "two recorded job:log events");
    const page = await k.feed.read({ kinds: ["job"] }, 0, 100);
    const recorded = page.items.filter((e) => e.name === "job:log");
    expect(recorded.map((e) => [e.kind, e.subject, e.fn, e.data["lines"]])).toEqual([
      ["job", job.id, "chatty", 3],
      ["job", job.id, "chatty", 1],
    ]);
    await k.stop();
  });
});

describe("LogBuffer", () => {
  it("announces one share per job of a batch after the write, none when nothing logs", async () => {
    const written: string[][] = [];
    const shares: unknown[] = [];
    const buffer = new LogBuffer(
      async (lines) => void written.push(lines.map((l) => l.message)),
      (e) => {
        throw e;
      },
      (s) => shares.push(...s),
    );
    await buffer.flush();
    expect(shares).toEqual([]);
    const line = (jobId: string, message: string) =>
      ({ jobId, attempt: 1, at: 1, level: "info", message }) as const;
    buffer.push(line("1", "a"), { fn: "f", runId: null });
    buffer.push(line("2", "b"), { fn: "g", runId: "r1" });
    buffer.push(line("1", "c"), { fn: "f", runId: null });
    await buffer.flush();
    expect(written).toEqual([["a", "b", "c"]]);
    expect(shares).toEqual([
      { jobId: "1", fn: "f", runId: null, lines: 2 },
      { jobId: "2", fn: "g", runId: "r1", lines: 1 },
    ]);
  });

  it("announces nothing for a batch whose write failed", async () => {
    const errors: unknown[] = [];
    const shares: unknown[] = [];
    const buffer = new LogBuffer(
      () => Promise.reject(new Error("disk full")),
      (e) => errors.push(e),
      (s) => shares.push(...s),
    );
    buffer.push(
      { jobId: "1", attempt: 1, at: 1, level: "info", message: "a" },
      {
        fn: "f",
        runId: null,
      },
    );
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(shares).toEqual([]);
  });
});
