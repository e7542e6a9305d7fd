import { afterEach, describe, expect, it } from "vitest";
import { JobCancelledError, JobStoppedError } from "../../core/errors.js";
import type { AttemptOutcome } from "../../core/jobs/finalization.js";
import type { ClaimedJob } from "../../ports/job-store.js";
import type { JobContext } from "../functions.js";
import { ManualClock } from "../../../test/helpers/manual-clock.js";
import { JobExecution } from "./job-execution.js";

/** The fields of a claimed job an execution reads. */
const JOB = {
  id: "1",
  fn: "f",
  attempt: 1,
  maxAttempts: 1,
  payloadJson: "{}",
  timeoutMs: null,
  origin: { kind: "api" },
} as unknown as ClaimedJob;

function execution(): { run: JobExecution; outcomes: AttemptOutcome[] } {
  const outcomes: AttemptOutcome[] = [];
  const run = new JobExecution(JOB, 0, {
    clock: new ManualClock(0),
    progress: () => undefined,
    log: () => undefined,
    onDecided: (_e, outcome) => outcomes.push(outcome),
    onLateSettle: () => undefined,
  });
  return { run, outcomes };
}

const RealAbortController = globalThis.AbortController;
afterEach(() => {
  globalThis.AbortController = RealAbortController;
});

/** Counts the AbortControllers built from now on (until the test ends). */
function countControllers(): { readonly made: number } {
  const counter = { made: 0 };
  globalThis.AbortController = class extends RealAbortController {
    constructor() {
      super();
      counter.made++;
    }
  };
  return counter;
}

describe("JobExecution's AbortSignal", () => {
  it("builds no AbortController for a handler that never reads ctx.signal", async () => {
    const counter = countControllers();
    const { run, outcomes } = execution();
    run.start(() => null);
    await run.handlerReturned;
    expect(outcomes).toEqual([{ kind: "resolved", value: null }]);
    expect(counter.made).toBe(0);
  });

  it("hands a signal read after the cancel already aborted, with the first reason", async () => {
    let ctx: JobContext | undefined;
    const { run } = execution();
    run.start((_p, c) => {
      ctx = c;
      return new Promise(() => undefined);
    });
    run.cancel(5_000);
    run.abort(new JobStoppedError(), { kind: "shutdown" });
    const signal = ctx!.signal;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(JobCancelledError);
    expect(ctx!.signal).toBe(signal);
  });

  it("aborts a signal the handler destructured before the cancel", async () => {
    let seen: unknown;
    const { run } = execution();
    run.start((_p, { signal }) => {
      signal.addEventListener("abort", () => {
        seen = signal.reason;
      });
      return new Promise(() => undefined);
    });
    expect(seen).toBeUndefined();
    run.cancel(5_000);
    expect(seen).toBeInstanceOf(JobCancelledError);
  });
});

describe("JobExecution's context functions", () => {
  it("work taken off the context, and in a copy of it ({ ...ctx })", async () => {
    const logged: string[] = [];
    const progressed: (number | string | null)[][] = [];
    const run = new JobExecution(JOB, 0, {
      clock: new ManualClock(0),
      progress: (_job, percent, message, generation) =>
        progressed.push([percent, message, generation]),
      log: (line) => logged.push(`${line.level}:${line.message}`),
      onDecided: () => undefined,
      onLateSettle: () => undefined,
    });
    run.start((_p, ctx) => {
      // A handler may take them off the context: they must not depend on `this`.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const { log, progress } = ctx;
      log("a");
      progress(150, "over");
      const copy = { ...ctx };
      copy.log("b", "warn");
      copy.progress(-3);
      expect(Object.keys(copy)).toEqual(expect.arrayContaining(["log", "progress", "signal"]));
      return null;
    });
    await run.handlerReturned;
    expect(logged).toEqual(["info:a", "warn:b"]);
    expect(progressed).toEqual([
      [100, "over", 1],
      [0, null, 1],
    ]);
  });
});
