import { describe, expect, it } from "vitest";
import { taskTryOrigin } from "../workflows/task-errors.js";
import { FeedBuffer } from "./buffer.js";
import { feedRecordOf, MAX_FEED_TEXT_BYTES, toFeedEvent, truncateUtf8 } from "./record.js";
import type { FeedRecord } from "./types.js";

const AT = Date.parse("2026-12-01T00:00:00Z");

describe("feedRecordOf", () => {
  it("maps a job event: kind job, fn, subject = job id, data without at", () => {
    const { record, runId } = feedRecordOf(
      "job:succeeded",
      { jobId: "42", fn: "email", attempt: 1, at: AT, durationMs: 12 },
      "w1",
    );
    expect(runId).toBeNull();
    expect(record).toEqual({
      at: AT,
      name: "job:succeeded",
      kind: "job",
      fn: "email",
      workflow: null,
      subject: "42",
      instance: "w1",
      data: JSON.stringify({ jobId: "42", fn: "email", attempt: 1, durationMs: 12 }),
    });
  });

  it("maps a control event: kind control, fn, subject = the target; a run's gets its run id", () => {
    const request = {
      requestId: "3",
      targetKind: "job",
      targetId: "42",
      kind: "stop",
      generation: 1,
      requestedBy: "cli",
      at: AT,
    };
    const job = feedRecordOf(
      "control:requested",
      { ...request, fn: "email", status: "pending" },
      "w1",
    );
    expect(job.runId).toBeNull();
    expect(job.record).toMatchObject({
      name: "control:requested",
      kind: "control",
      fn: "email",
      workflow: null,
      subject: "42",
    });
    const run = feedRecordOf(
      "control:resolved",
      { ...request, targetKind: "run", targetId: "9" },
      "w1",
    );
    expect(run).toMatchObject({ runId: "9", record: { kind: "control", subject: "9", fn: null } });
  });

  it("gives a workflow task's job event the run id whose workflow the recorder fills", () => {
    const origin = taskTryOrigin("7", "extract", 2);
    const { record, runId } = feedRecordOf(
      "job:started",
      { jobId: "9", fn: "extract", attempt: 1, at: AT, workerId: "w", runAt: AT, origin },
      "w1",
    );
    expect(runId).toBe("7");
    expect(record.workflow).toBeNull();
    const scheduled = feedRecordOf(
      "job:started",
      { jobId: "9", fn: "f", attempt: 1, at: AT, origin: { kind: "schedule", id: "s", key: "1" } },
      "w1",
    );
    expect(scheduled.runId).toBeNull();
  });

  it("maps schedule, run and leader events", () => {
    const fired = feedRecordOf(
      "schedule:fired",
      { schedule: "nightly", slotAt: AT, jobId: "3", catchUp: false, at: AT },
      "w1",
    );
    expect(fired.record).toMatchObject({ kind: "schedule", subject: "nightly", fn: null });
    const run = feedRecordOf(
      "run:finished",
      { runId: "5", workflow: "etl", state: "success", at: AT },
      "w1",
    );
    expect(run.record).toMatchObject({ kind: "run", subject: "5", workflow: "etl" });
    expect(run.runId).toBe("5");
    const lost = feedRecordOf("leader:lost", { at: AT, reason: "stopping" }, "w1");
    expect(lost.record).toMatchObject({ kind: "leader", subject: null, fn: null, workflow: null });
    expect(JSON.parse(lost.record.data)).toEqual({ reason: "stopping" });
  });

  it("truncates error messages to 2 KB and leaves stacks out", () => {
    const message = "x".repeat(10_000);
    const { record } = feedRecordOf(
      "job:failed",
      {
        jobId: "1",
        fn: "f",
        attempt: 3,
        at: AT,
        error: { name: "Error", message, code: "BOOM", stack: "at somewhere" },
      },
      "w1",
    );
    const data = JSON.parse(record.data) as { error: Record<string, string> };
    expect(Object.keys(data.error).sort()).toEqual(["code", "message", "name"]);
    expect(new TextEncoder().encode(data.error["message"]).length).toBeLessThanOrEqual(
      MAX_FEED_TEXT_BYTES,
    );
    expect(data.error["message"]).toMatch(/…\[truncated\]$/);
    const scheduleError = feedRecordOf("schedule:error", { schedule: "s", message, at: AT }, "w1");
    expect(
      (JSON.parse(scheduleError.record.data) as { message: string }).message.length,
    ).toBeLessThan(2100);
  });
});

describe("truncateUtf8", () => {
  it("keeps short text and cuts long multi-byte text at a character boundary", () => {
    expect(truncateUtf8("héllo")).toBe("héllo");
    const cut = truncateUtf8("é".repeat(5_000), 101);
    expect(new TextEncoder().encode(cut).length).toBeLessThanOrEqual(101);
    expect(cut).not.toContain("\uFFFD");
    expect(cut.endsWith("…[truncated]")).toBe(true);
  });
});

describe("toFeedEvent", () => {
  it("gives at as a Date and data parsed", () => {
    const event = toFeedEvent({
      id: 3,
      at: AT,
      name: "leader:elected",
      kind: "leader",
      fn: null,
      workflow: null,
      subject: null,
      instance: "w",
      data: '{"a":1}',
    });
    expect(event.at).toEqual(new Date(AT));
    expect(event.data).toEqual({ a: 1 });
  });
});

describe("FeedBuffer", () => {
  const progress = (jobId: string, percent: number): FeedRecord =>
    feedRecordOf(
      "job:progress",
      { jobId, fn: "f", attempt: 1, at: AT, percent, message: null },
      "w",
    ).record;
  const queued = (jobId: string): FeedRecord =>
    feedRecordOf("job:queued", { jobId, fn: "f", attempt: 1, at: AT, runAt: AT }, "w").record;

  it("coalesces a job's progress to the latest per flush, at the latest position", () => {
    const buffer = new FeedBuffer(100);
    for (const record of [queued("1"), progress("1", 10), progress("2", 5), progress("1", 50)]) {
      buffer.push({ record, runId: null });
    }
    expect(buffer.size).toBe(3);
    const rows = buffer
      .take()
      .map((r) => [
        r.record.name,
        r.record.subject,
        (JSON.parse(r.record.data) as { percent?: number }).percent,
      ]);
    expect(rows).toEqual([
      ["job:queued", "1", undefined],
      ["job:progress", "2", 5],
      ["job:progress", "1", 50],
    ]);
    buffer.push({ record: progress("1", 60), runId: null });
    expect(buffer.take()).toHaveLength(1);
  });

  it("drops the oldest rows when full and counts them", () => {
    const buffer = new FeedBuffer(10);
    for (let i = 0; i < 25; i++) buffer.push({ record: queued(String(i)), runId: null });
    expect(buffer.size).toBeLessThanOrEqual(10);
    const dropped = buffer.takeDropped();
    const kept = buffer.take();
    expect(dropped + kept.length).toBe(25);
    expect(kept.at(-1)!.record.subject).toBe("24");
    expect(kept.map((r) => Number(r.record.subject))).toEqual(
      kept.map((_, i) => 25 - kept.length + i),
    );
    expect(buffer.takeDropped()).toBe(0);
  });
});
