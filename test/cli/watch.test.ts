/**
 * `kairos jobs watch` / `runs watch` printing (cli/commands/watch): lines per event, JSON per
 * line, resets on stderr, the --state filter, and how an abort ends the watch. A fake client's
 * feed stands in for the store's (the e2e tests are in watch.e2e.test.ts).
 */
import { describe, expect, it } from "vitest";
import { followFeed, formatFeedLine, jobStateAfter } from "../../src/cli/commands/watch.js";
import { clockTime } from "../../src/cli/dev/format.js";
import type { Io } from "../../src/cli/output.js";
import { waitFor } from "../helpers/async.js";
import type { FeedEvent, FeedItem, KairosClient } from "../../src/runtime/client.js";

const AT = Date.UTC(2026, 11, 3, 10, 31, 0, 402);

function event(partial: Partial<FeedEvent> & Pick<FeedEvent, "name">): FeedEvent {
  const kind = partial.name.slice(0, partial.name.indexOf(":")) as FeedEvent["kind"];
  return {
    id: 1,
    at: new Date(AT),
    kind,
    fn: null,
    workflow: null,
    subject: null,
    instance: "4711-9f2c1a0b",
    data: {},
    ...partial,
  };
}

function captureIo(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/** A client whose feed yields `items`, then waits for the abort (then ends, or throws). */
function fakeClient(
  items: FeedItem[],
  end: "return" | "throw" = "return",
): Pick<KairosClient, "subscribe"> & { seen: unknown[] } {
  const seen: unknown[] = [];
  return {
    seen,
    subscribe(filter, options) {
      seen.push(filter, options?.after);
      const signal = options?.signal;
      return (async function* () {
        for (const item of items) yield item;
        await new Promise<void>((resolve) => {
          if (signal?.aborted) resolve();
          signal?.addEventListener("abort", () => resolve());
        });
        if (end === "throw") throw new DOMException("aborted", "AbortError");
      })();
    },
  };
}

const succeeded = event({
  name: "job:succeeded",
  fn: "hello",
  subject: "52",
  data: { jobId: "52", fn: "hello", attempt: 1, durationMs: 392 },
});
const failed = event({
  name: "job:failed",
  fn: "hello",
  subject: "53",
  data: { jobId: "53", error: { name: "Error", message: "boom\nat line 2" } },
});

describe("followFeed", () => {
  it("prints one human line per event from now on: time, event, subject, function, detail", async () => {
    const io = captureIo();
    const controller = new AbortController();
    const client = fakeClient([
      { type: "event", event: succeeded },
      { type: "event", event: failed },
    ]);
    const done = followFeed(client, { kinds: ["job"] }, io, {
      json: false,
      signal: controller.signal,
    });
    await waitFor(() => io.lines.length === 2, "two lines");
    controller.abort();
    await done;
    expect(client.seen).toEqual([{ kinds: ["job"] }, "now"]);
    expect(io.lines).toEqual([
      `${clockTime(AT)} job:succeeded      job 52  hello  in 392 ms`,
      `${clockTime(AT)} job:failed         job 53  hello  Error: boom`,
    ]);
  });

  it("--json prints each event as one JSON object per line", async () => {
    const io = captureIo();
    const controller = new AbortController();
    const done = followFeed(fakeClient([{ type: "event", event: succeeded }]), {}, io, {
      json: true,
      signal: controller.signal,
    });
    await waitFor(() => io.lines.length === 1, "one line");
    controller.abort();
    await done;
    expect(JSON.parse(io.lines[0]!)).toEqual(JSON.parse(JSON.stringify(succeeded)));
  });

  it("a reset is a note on stderr, not an event line", async () => {
    const io = captureIo();
    const controller = new AbortController();
    const done = followFeed(
      fakeClient([
        { type: "reset", oldestId: 7 },
        { type: "event", event: succeeded },
      ]),
      {},
      io,
      { json: true, signal: controller.signal },
    );
    await waitFor(() => io.lines.length === 1, "one line");
    controller.abort();
    await done;
    expect(io.errors).toEqual([
      "kairos: watching events from now on (Ctrl-C to stop)",
      expect.stringMatching(/^kairos: note: some events were missed/),
    ]);
    expect(io.lines).toHaveLength(1);
  });

  it("prints only the events `accept` takes (jobs watch --state failed)", async () => {
    const io = captureIo();
    const controller = new AbortController();
    const done = followFeed(
      fakeClient([
        { type: "event", event: succeeded },
        { type: "event", event: failed },
      ]),
      {},
      io,
      { json: false, signal: controller.signal, accept: (e) => jobStateAfter(e) === "failed" },
    );
    await waitFor(() => io.lines.length === 1, "one line");
    controller.abort();
    await done;
    expect(io.lines).toEqual([expect.stringContaining("job:failed")]);
  });

  it("ends quietly when aborted, even when the feed throws its AbortError", async () => {
    const controller = new AbortController();
    const done = followFeed(fakeClient([], "throw"), {}, captureIo(), {
      json: false,
      signal: controller.signal,
    });
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it("rethrows a feed error that is not the abort", async () => {
    const client: Pick<KairosClient, "subscribe"> = {
      subscribe: () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.reject(new Error("server went away")),
        }),
      }),
    };
    const signal = new AbortController().signal;
    await expect(followFeed(client, {}, captureIo(), { json: false, signal })).rejects.toThrow(
      "server went away",
    );
  });
});

describe("formatFeedLine and jobStateAfter", () => {
  it("names a run event's workflow and its detail", () => {
    const e = event({
      name: "run:finished",
      workflow: "etl",
      subject: "7",
      data: { runId: "7", workflow: "etl", state: "success" },
    });
    expect(formatFeedLine(e)).toBe(`${clockTime(AT)} run:finished       run 7  etl  success`);
  });

  it("maps job events to the state they leave the job in", () => {
    expect(jobStateAfter(event({ name: "job:started" }))).toBe("running");
    expect(jobStateAfter(event({ name: "job:queued", data: { runAt: AT } }))).toBe("queued");
    expect(jobStateAfter(event({ name: "job:queued", data: { runAt: AT + 1 } }))).toBe("scheduled");
    expect(jobStateAfter(event({ name: "job:recovered", data: { outcome: "failed" } }))).toBe(
      "failed",
    );
    expect(jobStateAfter(event({ name: "job:timed_out" }))).toBe("timed_out");
    expect(jobStateAfter(event({ name: "job:result_dropped" }))).toBeNull();
  });

  it("prints a job's stop and start requests as job lines, and job:stopped leaves it stopped", () => {
    const requested = event({
      name: "control:requested",
      fn: "backfill",
      subject: "52",
      data: {
        targetKind: "job",
        targetId: "52",
        kind: "stop",
        generation: 1,
        status: "pending",
        requestedBy: "cli",
      },
    });
    expect(formatFeedLine(requested)).toBe(
      `${clockTime(AT)} control:requested  job 52  backfill  stop g1 pending by cli`,
    );
    const failed = event({
      name: "control:resolved",
      subject: "52",
      data: {
        targetKind: "job",
        kind: "start",
        generation: 2,
        status: "failed",
        requestedBy: "cli",
        error: "no worker",
      },
    });
    expect(formatFeedLine(failed)).toMatch(/job 52 {2}start g2 failed by cli: no worker$/);
    expect(jobStateAfter(event({ name: "job:stopped", data: { by: "worker" } }))).toBe("stopped");
    expect(jobStateAfter(event({ name: "job:recovered", data: { outcome: "stopped" } }))).toBe(
      "stopped",
    );
  });
});
