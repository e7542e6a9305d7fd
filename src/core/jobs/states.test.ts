/**
 * Exhaustive tests of the job state machine: every (from, to) pair of the 9x9 matrix against a
 * table written out by hand from the state machine in DESIGN.md, plus the state predicates.
 */
import { describe, expect, it } from "vitest";
import {
  JOB_STATES,
  PENDING_STATES,
  TERMINAL_STATES,
  canTransition,
  isJobState,
  isPending,
  isTerminal,
  nextStates,
  type JobState,
} from "./states.js";

/** Column order of the matrix below. */
const COLUMNS = [
  "scheduled",
  "queued",
  "running",
  "retrying",
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
  "stopped",
] as const satisfies readonly JobState[];

/**
 * Allowed transitions, row = from, column = to ("x" allowed, "." forbidden). Sources in
 * DESIGN.md:
 * - scheduled -> queued; queued -> running; running -> succeeded|failed|cancelled|timed_out.
 * - running -> stopped (stop request); stopped -> queued (start request). A waiting job
 *   (scheduled, queued, retrying) stops at once (issue 11: "a queued job stops at once").
 * - running|timed_out -> queued again while retry budget remains, via retrying until due:
 *   running -> retrying, timed_out -> retrying, retrying -> queued, and timed_out -> queued.
 * - running -> queued: graceful shutdown hands running jobs back.
 * - Cancellation: a pending job (scheduled, queued, retrying) is cancelled at once; a running
 *   one is finalized as cancelled; a stopped one can still be cancelled by a control request.
 * - Terminal states never change.
 */
const MATRIX = `
  from \\ to   sch que run ret suc fai can tmo stp
  scheduled     .   x   .   .   .   .   x   .   x
  queued        .   .   x   .   .   .   x   .   x
  running       .   x   .   x   x   x   x   x   x
  retrying      .   x   .   .   .   .   x   .   x
  succeeded     .   .   .   .   .   .   .   .   .
  failed        .   .   .   .   .   .   .   .   .
  cancelled     .   .   .   .   .   .   .   .   .
  timed_out     .   x   .   x   .   .   .   .   .
  stopped       .   x   .   .   .   .   x   .   .
`;

/** The matrix parsed: from -> (to -> allowed). */
const EXPECTED: ReadonlyMap<string, ReadonlyMap<JobState, boolean>> = new Map(
  MATRIX.trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [from, ...cells] = line.trim().split(/\s+/);
      if (cells.length !== COLUMNS.length || cells.some((c) => c !== "x" && c !== ".")) {
        throw new Error(`malformed matrix row: ${line}`);
      }
      return [from!, new Map(COLUMNS.map((to, i) => [to, cells[i] === "x"]))] as const;
    }),
);

function expectedRow(from: JobState): ReadonlyMap<JobState, boolean> {
  const row = EXPECTED.get(from);
  if (row === undefined) throw new Error(`no row for ${from} in the matrix`);
  return row;
}

describe("job state machine", () => {
  it("the matrix covers exactly the exported states", () => {
    expect([...COLUMNS].sort()).toEqual([...JOB_STATES].sort());
    expect([...EXPECTED.keys()].sort()).toEqual([...JOB_STATES].sort());
  });

  describe.each(JOB_STATES)("from %s", (from) => {
    const row = expectedRow(from);
    it.each(JOB_STATES)(`to %s`, (to) => {
      expect(canTransition(from, to)).toBe(row.get(to));
    });

    it("nextStates lists exactly the allowed targets", () => {
      const allowed = JOB_STATES.filter((to) => row.get(to) === true);
      expect([...nextStates(from)].sort()).toEqual([...allowed].sort());
      expect(new Set(nextStates(from)).size).toBe(nextStates(from).length);
    });
  });

  it("has no self-transitions", () => {
    for (const state of JOB_STATES) expect(canTransition(state, state)).toBe(false);
  });

  it("never returns to scheduled: it is only an initial state", () => {
    for (const from of JOB_STATES) expect(canTransition(from, "scheduled")).toBe(false);
  });

  it("only a claim (queued -> running) starts a job", () => {
    const intoRunning = JOB_STATES.filter((from) => canTransition(from, "running"));
    expect(intoRunning).toEqual(["queued"]);
  });

  it("succeeded, failed and cancelled have no exits", () => {
    for (const state of ["succeeded", "failed", "cancelled"] as const) {
      expect(nextStates(state)).toEqual([]);
      for (const to of JOB_STATES) expect(canTransition(state, to)).toBe(false);
    }
  });

  it("timed_out leaves only by the retry edges (stored timed_out jobs are terminal)", () => {
    // states.ts: a timed-out job with attempts left is written as `retrying` in the same write,
    // so a *stored* timed_out job never moves although the table keeps DESIGN.md's edges.
    expect([...nextStates("timed_out")].sort()).toEqual(["queued", "retrying"]);
    expect(isTerminal("timed_out")).toBe(true);
  });

  it("every state is reachable from scheduled", () => {
    const seen = new Set<JobState>(["scheduled"]);
    const frontier: JobState[] = ["scheduled"];
    for (let state = frontier.pop(); state !== undefined; state = frontier.pop()) {
      for (const next of nextStates(state)) {
        if (!seen.has(next)) {
          seen.add(next);
          frontier.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...JOB_STATES].sort());
  });

  it("every state can reach a terminal state (nothing is stuck)", () => {
    for (const start of JOB_STATES) {
      const seen = new Set<JobState>([start]);
      const frontier: JobState[] = [start];
      for (let state = frontier.pop(); state !== undefined; state = frontier.pop()) {
        for (const next of nextStates(state)) {
          if (!seen.has(next)) {
            seen.add(next);
            frontier.push(next);
          }
        }
      }
      expect([...seen].some((state) => isTerminal(state))).toBe(true);
    }
  });
});

describe("state predicates", () => {
  it("isTerminal is true exactly for TERMINAL_STATES", () => {
    expect([...TERMINAL_STATES].sort()).toEqual(["cancelled", "failed", "succeeded", "timed_out"]);
    for (const state of JOB_STATES) {
      expect(isTerminal(state)).toBe(TERMINAL_STATES.includes(state));
    }
  });

  it("isPending is true exactly for PENDING_STATES (scheduled, queued, retrying)", () => {
    expect([...PENDING_STATES].sort()).toEqual(["queued", "retrying", "scheduled"]);
    for (const state of JOB_STATES) {
      expect(isPending(state)).toBe(PENDING_STATES.includes(state));
    }
  });

  it("running and stopped are neither pending nor terminal", () => {
    for (const state of ["running", "stopped"] as const) {
      expect(isPending(state)).toBe(false);
      expect(isTerminal(state)).toBe(false);
    }
  });

  it("a pending state is never terminal", () => {
    for (const state of JOB_STATES) expect(isPending(state) && isTerminal(state)).toBe(false);
  });

  it("isJobState accepts every state and nothing else", () => {
    for (const state of JOB_STATES) expect(isJobState(state)).toBe(true);
    for (const value of ["", "Queued", "QUEUED", "done", "timed-out", " queued", "constructor"]) {
      expect(isJobState(value)).toBe(false);
    }
  });
});
