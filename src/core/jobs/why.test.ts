import { describe, expect, it } from "vitest";
import type { StoredJob } from "./types.js";
import { explainJob, humanDuration, whyNeeds, type JobWhyContext } from "./why.js";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function job(over: Partial<StoredJob> = {}): StoredJob {
  return {
    id: "42",
    fn: "send",
    state: "queued",
    attempt: 0,
    maxAttempts: 3,
    payloadJson: "{}",
    resultJson: null,
    error: null,
    progress: null,
    priority: 0,
    runAt: NOW - 5_000,
    idempotencyKey: null,
    concurrencyKey: null,
    concurrencyLimit: 1,
    backoff: null,
    timeoutMs: 0,
    createdAt: NOW - 10_000,
    updatedAt: NOW - 10_000,
    startedAt: null,
    finishedAt: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    leaseToken: null,
    cancelRequestedAt: null,
    origin: { kind: "api", id: null, key: null },
    ...over,
  };
}

function ctx(over: Partial<JobWhyContext> = {}): JobWhyContext {
  return {
    now: NOW,
    functionKnown: true,
    workerReason: null,
    keyHolders: [],
    dueAhead: null,
    ...over,
  };
}

const codes = (j: StoredJob, c: JobWhyContext) => explainJob(j, c).reasons.map((r) => r.code);

describe("explainJob: codes by situation", () => {
  const table: [string, StoredJob, JobWhyContext, string[]][] = [
    [
      "scheduled in the future",
      job({ state: "scheduled", runAt: NOW + 90_000 }),
      ctx(),
      ["scheduled_later"],
    ],
    ["scheduled and due", job({ state: "scheduled", runAt: NOW }), ctx(), ["waiting_for_slot"]],
    [
      "retrying in its backoff",
      job({ state: "retrying", attempt: 1, runAt: NOW + 30_000 }),
      ctx(),
      ["retry_backoff"],
    ],
    [
      "retrying and due",
      job({ state: "retrying", attempt: 1, runAt: NOW }),
      ctx(),
      ["waiting_for_slot"],
    ],
    ["queued, unknown function", job(), ctx({ functionKnown: false }), ["unknown_function"]],
    [
      "queued, no live worker",
      job(),
      ctx({ workerReason: "no live worker defines fn send; start one that does" }),
      ["no_live_worker"],
    ],
    [
      "scheduled later and no live worker",
      job({ state: "scheduled", runAt: NOW + 1_000 }),
      ctx({ workerReason: "no live worker" }),
      ["scheduled_later", "no_live_worker"],
    ],
    [
      "queued, key full",
      job({ concurrencyKey: "db", concurrencyLimit: 1 }),
      ctx({ keyHolders: [{ id: "7", leaseOwner: "w1" }] }),
      ["concurrency_key"],
    ],
    [
      "queued, key below its limit",
      job({ concurrencyKey: "db", concurrencyLimit: 2 }),
      ctx({ keyHolders: [{ id: "7", leaseOwner: "w1" }] }),
      ["waiting_for_slot"],
    ],
    [
      "scheduled later with a full key: the key is not judged yet",
      job({ state: "scheduled", runAt: NOW + 1_000, concurrencyKey: "db" }),
      ctx({ keyHolders: [{ id: "7", leaseOwner: "w1" }] }),
      ["scheduled_later"],
    ],
    [
      "running",
      job({
        state: "running",
        attempt: 1,
        startedAt: NOW - 1_000,
        leaseOwner: "w1",
        leaseExpiresAt: NOW + 20_000,
      }),
      ctx(),
      ["running"],
    ],
    [
      "running, cancel requested",
      job({ state: "running", attempt: 1, startedAt: NOW - 1_000, cancelRequestedAt: NOW - 500 }),
      ctx(),
      ["cancel_requested", "running"],
    ],
    ["stopped", job({ state: "stopped" }), ctx(), ["stopped"]],
    ["succeeded", job({ state: "succeeded", attempt: 1, finishedAt: NOW }), ctx(), ["succeeded"]],
    ["failed", job({ state: "failed", attempt: 3, finishedAt: NOW }), ctx(), ["failed"]],
    ["timed_out", job({ state: "timed_out", attempt: 3, finishedAt: NOW }), ctx(), ["timed_out"]],
    ["cancelled", job({ state: "cancelled", finishedAt: NOW }), ctx(), ["cancelled"]],
  ];
  it.each(table)("%s", (_name, j, c, expected) => {
    expect(codes(j, c)).toEqual(expected);
  });
});

describe("explainJob: messages", () => {
  it("says when a scheduled job runs, in how long and at what time", () => {
    const runAt = NOW + 90_000;
    const why = explainJob(job({ state: "scheduled", runAt }), ctx());
    expect(why.summary).toBe(
      `job 42 (send) is not running: scheduled to run in 1m30s, at ${iso(runAt)}`,
    );
    expect(why).toMatchObject({ jobId: "42", state: "scheduled" });
  });

  it("says which attempt failed, with its error, and when the next one is due", () => {
    const j = job({
      state: "retrying",
      attempt: 1,
      runAt: NOW + 30_000,
      error: { name: "TypeError", message: "boom\nstack-ish" },
    });
    expect(explainJob(j, ctx()).reasons[0]!.message).toBe(
      `attempt 1 of 3 failed (TypeError: boom); attempt 2 of 3 is due in 30s, at ${iso(NOW + 30_000)}`,
    );
  });

  it("names the key, its limit and the running jobs holding it", () => {
    const j = job({ concurrencyKey: "warehouse", concurrencyLimit: 2 });
    const why = explainJob(
      j,
      ctx({
        keyHolders: [
          { id: "7", leaseOwner: "w1" },
          { id: "9", leaseOwner: null },
          { id: "42", leaseOwner: null },
        ],
      }),
    );
    expect(why.reasons[0]!.message).toBe(
      'concurrency key "warehouse" allows 2 running at once and they are held by jobs 7 on w1, 9',
    );
  });

  it("reuses the catalog's waiting reason for no live worker", () => {
    const r = "no live worker defines fn send; start one that does";
    expect(explainJob(job(), ctx({ workerReason: r })).reasons[0]!.message).toBe(r);
  });

  it("counts the due jobs ahead of a claimable one", () => {
    expect(
      explainJob(job(), ctx({ dueAhead: { count: 3, capped: false } })).reasons[0]!.message,
    ).toBe(
      "due and claimable (due for 5s): waiting for a free worker slot; 3 due jobs ahead of it (by priority, then runAt)",
    );
    expect(
      explainJob(job(), ctx({ dueAhead: { count: 1000, capped: true } })).reasons[0]!.message,
    ).toContain("at least 1000 due jobs ahead");
    expect(
      explainJob(job(), ctx({ dueAhead: { count: 0, capped: false } })).reasons[0]!.message,
    ).toContain("it is next in line");
  });

  it("says since when, where, until when the lease holds, and the progress of a running job", () => {
    const j = job({
      state: "running",
      attempt: 2,
      startedAt: NOW - 65_000,
      leaseOwner: "w1",
      leaseExpiresAt: NOW + 20_000,
      progress: { percent: 40, message: "rows", at: NOW },
    });
    expect(explainJob(j, ctx()).reasons[0]!.message).toBe(
      `attempt 2 of 3, running since ${iso(NOW - 65_000)} (1m5s), on worker w1; ` +
        `lease expires at ${iso(NOW + 20_000)} (in 20s); progress 40% rows`,
    );
  });

  it("says when a running job's lease expired", () => {
    const j = job({ state: "running", attempt: 1, leaseOwner: "w1", leaseExpiresAt: NOW - 3_000 });
    expect(explainJob(j, ctx()).reasons[0]!.message).toContain("its lease expired 3s ago");
  });

  it("says when a job ended and with what error", () => {
    const failed = job({
      state: "failed",
      attempt: 3,
      finishedAt: NOW,
      error: { name: "Error", message: "bad input" },
    });
    expect(explainJob(failed, ctx()).summary).toBe(
      `job 42 (send) has finished: failed at ${iso(NOW)} on attempt 3 of 3: Error: bad input`,
    );
    const timedOut = job({ state: "timed_out", attempt: 1, finishedAt: NOW, timeoutMs: 60_000 });
    expect(explainJob(timedOut, ctx()).reasons[0]!.message).toBe(
      `timed out at ${iso(NOW)} on attempt 1 of 3 (timeout 1m)`,
    );
  });
});

describe("whyNeeds", () => {
  it("asks for the key holders and the queue position only for a due job", () => {
    expect(whyNeeds(job({ concurrencyKey: "k" }), NOW)).toEqual({
      function: true,
      keyHolders: true,
      dueAhead: true,
    });
    expect(whyNeeds(job({ state: "scheduled", runAt: NOW + 1 }), NOW)).toEqual({
      function: true,
      keyHolders: false,
      dueAhead: false,
    });
    expect(whyNeeds(job({ state: "succeeded" }), NOW)).toEqual({
      function: false,
      keyHolders: false,
      dueAhead: false,
    });
  });
});

describe("humanDuration", () => {
  it("rounds to whole seconds from one second up", () => {
    expect([
      humanDuration(250),
      humanDuration(1_499),
      humanDuration(90_400),
      humanDuration(-5),
    ]).toEqual(["250ms", "1s", "1m30s", "0s"]);
  });
});
