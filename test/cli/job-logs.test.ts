/**
 * `kairos jobs logs` printing (cli/commands/job-logs) against a fake client: a finished job's
 * lines without a subscription, pages of lines read by cursor, and a follow that reads on the
 * job's own `job:log` events only and ends after the last read once the job is final (the
 * e2e tests are in jobs-logs.e2e.test.ts).
 */
import { describe, expect, it } from "vitest";
import { formatLogLine, printJobLogs } from "../../src/cli/commands/job-logs.js";
import type { Io } from "../../src/cli/output.js";
import type { JobLogLine } from "../../src/core/jobs/types.js";
import type { FeedEvent, FeedItem, Job, KairosClient } from "../../src/runtime/client.js";

const AT = Date.UTC(2026, 11, 4, 10, 0, 0, 120);

function line(seq: number, message = `line ${seq}`): JobLogLine {
  return { jobId: "7", attempt: 1, at: AT, level: "info", message, seq };
}

function event(name: string, subject: string): FeedItem {
  const e: FeedEvent = {
    id: 1,
    at: new Date(AT),
    name,
    kind: "job",
    fn: "etl",
    workflow: null,
    subject,
    instance: "4711-9f2c1a0b",
    data: {},
  };
  return { type: "event", event: e };
}

/** What the test changes and reads of the fake client. */
interface Fake {
  state: string;
  lines: JobLogLine[];
  reads: (number | undefined)[];
  subscribed: boolean;
}

/** A job 7 whose state and lines the test changes; the feed yields `items` as they come. */
function fakeClient(state: string, lines: JobLogLine[], feed: (c: Fake) => Iterable<FeedItem>) {
  const fake: Fake & Record<string, unknown> = {
    state,
    lines,
    reads: [],
    subscribed: false,
    jobs: {
      get: async (id: string) =>
        id === "7" ? ({ id: "7", fn: "etl", state: fake.state } as unknown as Job) : null,
      logs: async (_id: string, limit?: number, after?: number) => {
        fake.reads.push(after);
        return fake.lines.filter((l) => l.seq! > (after ?? 0)).slice(0, limit);
      },
    },
    async *subscribe() {
      fake.subscribed = true;
      for (const item of feed(fake)) yield item;
    },
  };
  return fake as unknown as Fake & Pick<KairosClient, "jobs" | "subscribe">;
}

function captureIo(): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: () => undefined };
}

describe("kairos jobs logs", () => {
  it("prints a line as time, level, attempt and message, or as JSON", () => {
    expect(formatLogLine(line(1, "hello"), false)).toBe(
      "2026-12-04T10:00:00.120Z [info] (attempt 1) hello",
    );
    expect(JSON.parse(formatLogLine(line(1, "hello"), true))).toMatchObject({ message: "hello" });
  });

  it("reads a long log page by page, by cursor", async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => line(i + 1));
    const client = fakeClient("running", many, () => []);
    const io = captureIo();
    await printJobLogs(client, "7", io, { json: false, follow: false });
    expect(io.lines).toHaveLength(2_500);
    expect(client.reads).toEqual([0, 1_000, 2_000]);
  });

  it("--follow of a finished job prints its lines and never subscribes", async () => {
    const client = fakeClient("succeeded", [line(1)], () => []);
    const io = captureIo();
    await printJobLogs(client, "7", io, { json: false, follow: true });
    expect(io.lines).toHaveLength(1);
    expect(client.subscribed).toBe(false);
  });

  it("--follow reads on this job's job:log, ignores other jobs, ends after the final read", async () => {
    const client = fakeClient("running", [], function* (c) {
      yield { type: "reset", oldestId: null };
      c.lines.push(line(1, "first"));
      yield event("job:log", "8");
      yield event("job:log", "7");
      c.lines.push(line(2, "second"));
      c.state = "succeeded";
      yield event("job:succeeded", "7");
      yield event("job:log", "7");
    });
    const io = captureIo();
    await printJobLogs(client, "7", io, { json: false, follow: true });
    expect(io.lines.map((l) => l.slice(l.indexOf(")") + 2))).toEqual(["first", "second"]);
    // The reset's read, job 7's job:log, the final read: never on job 8's event.
    expect(client.reads).toEqual([0, 0, 1]);
  });

  it("an unknown job is NOT_FOUND", async () => {
    const client = fakeClient("running", [], () => []);
    await expect(
      printJobLogs(client, "9", captureIo(), { json: false, follow: true }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "no job with id 9" });
  });
});
