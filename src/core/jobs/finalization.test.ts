import { describe, expect, it } from "vitest";
import { decideFinalization, type AttemptOutcome, type FinalizingJob } from "./finalization.js";
import { canTransition } from "./states.js";

const NOW = 1_000_000;
const FIXED = { type: "fixed", delayMs: 500 } as const;
const half = () => 0.5;

function job(over: Partial<FinalizingJob> = {}): FinalizingJob {
  return {
    id: "7",
    attempt: 1,
    maxAttempts: 3,
    backoff: FIXED,
    timeoutMs: 2_000,
    leaseOwner: "w1",
    leaseExpiresAt: NOW - 10,
    ...over,
  };
}

const boom = { name: "Error", message: "boom" };

// [case, job, outcome, cancelRequested, expected action/kind, expected state, runAt]
const table: [
  string,
  FinalizingJob,
  AttemptOutcome,
  boolean,
  string,
  string | null,
  number | null,
][] = [
  [
    "a result succeeds",
    job(),
    { kind: "resolved", value: { ok: 1 } },
    false,
    "succeeded",
    "succeeded",
    null,
  ],
  [
    "undefined result is stored as null",
    job(),
    { kind: "resolved", value: undefined },
    false,
    "succeeded",
    "succeeded",
    null,
  ],
  [
    "a failure with attempts left retries after the job's backoff",
    job(),
    { kind: "rejected", error: boom, unrecoverable: false },
    false,
    "retrying",
    "retrying",
    NOW + 500,
  ],
  [
    "a failure on the last attempt fails",
    job({ attempt: 3 }),
    { kind: "rejected", error: boom, unrecoverable: false },
    false,
    "failed",
    "failed",
    null,
  ],
  [
    "an unrecoverable failure never retries",
    job(),
    { kind: "rejected", error: boom, unrecoverable: true },
    false,
    "failed",
    "failed",
    null,
  ],
  [
    "a failure after a cancel is a cancel",
    job(),
    { kind: "rejected", error: boom, unrecoverable: false },
    true,
    "cancelled",
    "cancelled",
    null,
  ],
  [
    "a timeout with attempts left retries",
    job(),
    { kind: "timeout" },
    false,
    "retrying",
    "retrying",
    NOW + 500,
  ],
  [
    "a timeout on the last attempt is timed_out",
    job({ attempt: 3 }),
    { kind: "timeout" },
    false,
    "timed_out",
    "timed_out",
    null,
  ],
  [
    "a handler ignoring its cancel is cancelled after the grace",
    job(),
    { kind: "cancel_grace", graceMs: 5_000 },
    true,
    "cancelled",
    "cancelled",
    null,
  ],
  [
    "a prefetched job cancelled before it started",
    job(),
    { kind: "cancelled_unstarted" },
    true,
    "cancelled",
    "cancelled",
    null,
  ],
  ["shutdown hands the job back", job(), { kind: "shutdown" }, false, "released", "queued", null],
  ["a lost lease drops the result", job(), { kind: "lease_lost" }, false, "drop", null, null],
  [
    "an expired lease retries with the job's backoff (worker_lost)",
    job(),
    { kind: "lease_expired" },
    false,
    "retrying",
    "retrying",
    NOW + 500,
  ],
  [
    "an expired lease on the last attempt fails worker_lost",
    job({ attempt: 3 }),
    { kind: "lease_expired" },
    false,
    "failed",
    "failed",
    null,
  ],
  [
    "an expired lease after a cancel request is cancelled",
    job(),
    { kind: "lease_expired" },
    true,
    "cancelled",
    "cancelled",
    null,
  ],
  [
    "a job older than stamping retries with the default backoff",
    job({ backoff: null }),
    { kind: "timeout" },
    false,
    "retrying",
    "retrying",
    NOW + 950,
  ],
];

describe("decideFinalization", () => {
  it.each(table)("%s", (_name, j, outcome, cancelRequested, kind, state, runAt) => {
    const decision = decideFinalization(j, outcome, NOW, half, cancelRequested);
    if (kind === "drop") {
      expect(decision).toEqual({ action: "drop", reason: "lease_lost" });
      return;
    }
    expect(decision.action).toBe("write");
    if (decision.action !== "write") return;
    expect(decision.finalization.kind).toBe(kind);
    expect(decision.to).toBe(state);
    expect(canTransition("running", decision.to)).toBe(true);
    if (runAt !== null && decision.finalization.kind === "retrying") {
      expect(decision.finalization.runAt).toBe(runAt);
    }
  });

  it("names the reason in the stored error", () => {
    const lost = decideFinalization(
      job({ attempt: 3 }),
      { kind: "lease_expired" },
      NOW,
      half,
      false,
    );
    expect(lost).toMatchObject({
      finalization: { error: { name: "worker_lost", code: "WORKER_LOST" } },
    });
    const timedOut = decideFinalization(job({ attempt: 3 }), { kind: "timeout" }, NOW, half, false);
    expect(timedOut).toMatchObject({
      finalization: {
        error: { code: "JOB_TIMEOUT", message: "attempt 3 timed out after 2000 ms" },
      },
    });
    const unserializable = decideFinalization(
      job(),
      { kind: "resolved", value: 1n },
      NOW,
      half,
      false,
    );
    expect(unserializable).toMatchObject({
      finalization: { kind: "failed", error: { name: "ResultNotSerializable" } },
    });
  });
});
