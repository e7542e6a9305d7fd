/**
 * Table tests of planTick and the outcome plans: every overlap policy with and without active
 * jobs, each catch-up policy with the window and the cap, jitter, one-shot schedules, the
 * buffer, and the stable reason recorded in each case.
 */
import { describe, expect, it } from "vitest";
import type { OverlapPolicy } from "./types.js";
import { ValidationError } from "../errors.js";
import { jitterFor } from "./jitter.js";
import {
  planAfterFailure,
  planBufferedFire,
  planBuildFailure,
  planQueueFull,
} from "./plan-outcomes.js";
import { planTick, type SlotWrite, type TickSchedule } from "./plan-tick.js";

const S = 1_000;
const M = 60_000;
const H = 3_600_000;
const T = Date.parse("2026-05-01T12:00:00Z");

function schedule(partial: Partial<TickSchedule> = {}): TickSchedule {
  return {
    id: "s1",
    timing: { kind: "every", everyMs: 10 * S },
    overlap: "skip",
    bufferLimit: 2,
    catchup: "skip",
    catchupWindowMs: H,
    jitterMs: 0,
    nextSlotAt: T,
    nextDueAt: T,
    bufferedSlots: [],
    ...partial,
  };
}

/** A write in a few words: slots relative to T in seconds. */
function brief(w: SlotWrite) {
  const rel = (ms: number | null) => (ms === null ? null : (ms - T) / S);
  return {
    slot: rel(w.slotAt),
    expect: rel(w.expectedNextSlotAt),
    next: rel(w.next.nextSlotAt),
    job: w.job,
    status: w.status,
    history: w.history.map((h) => `${h.kind}/${h.reason ?? "-"}@${rel(h.slotAt) ?? "-"}`),
    cancel: w.cancel.map((c) =>
      "jobId" in c.target
        ? `${c.target.jobId}:${c.entry.reason}`
        : `slot ${rel(c.target.jobOfSlot)}:${c.entry.reason}`,
    ),
    buffered: w.bufferedSlots?.map(rel),
    events: w.events.map((e) => `${e.name}/${e.reason}@${rel(e.slotAt)}`),
  };
}

const ON_TIME = T + 500;
const X = T - 20 * S; // an older slot already waiting in the buffer
const Y = T - 10 * S;

describe("overlap policies, one on-time slot", () => {
  const fired: Partial<ReturnType<typeof brief>> = {
    job: "fired",
    status: "fired",
    history: ["fired/-@0"],
    cancel: [],
    events: [],
  };
  const cases: {
    policy: OverlapPolicy;
    active: string[];
    buffered?: number[];
    expected: Partial<ReturnType<typeof brief>>;
  }[] = [
    { policy: "skip", active: [], expected: fired },
    {
      policy: "skip",
      active: ["a"],
      expected: {
        job: null,
        status: "skipped",
        history: ["skipped/overlap@0"],
        events: ["schedule:skipped/overlap@0"],
      },
    },
    { policy: "buffer_one", active: [], expected: fired },
    {
      policy: "buffer_one",
      active: ["a"],
      expected: { job: null, status: "buffered", history: ["buffered/overlap@0"], buffered: [0] },
    },
    {
      policy: "buffer_one",
      active: ["a"],
      buffered: [Y],
      expected: { status: "buffered", history: ["dropped/buffer_full@0"], buffered: [-10] },
    },
    {
      policy: "buffer_all",
      active: ["a"],
      buffered: [Y],
      expected: { status: "buffered", history: ["buffered/overlap@0"], buffered: [-10, 0] },
    },
    {
      policy: "buffer_all",
      active: ["a"],
      buffered: [X, Y],
      expected: { history: ["dropped/buffer_full@0"], buffered: [-20, -10] },
    },
    { policy: "cancel_other", active: [], expected: fired },
    {
      policy: "cancel_other",
      active: ["a"],
      buffered: [Y],
      expected: {
        job: null,
        status: "buffered",
        cancel: ["a:cancel_other"],
        history: ["dropped/buffer_full@-10", "buffered/overlap@0"],
        buffered: [0],
      },
    },
    { policy: "terminate_other", active: [], expected: fired },
    {
      policy: "terminate_other",
      active: ["a", "b"],
      expected: { ...fired, cancel: ["a:terminate_other", "b:terminate_other"] },
    },
    { policy: "allow_all", active: [], expected: fired },
    { policy: "allow_all", active: ["a"], expected: fired },
  ];
  it.each(cases)("$policy, active $active, buffered $buffered", (c) => {
    const s = schedule({ overlap: c.policy, bufferedSlots: c.buffered ?? [] });
    const { writes } = planTick(s, ON_TIME, c.active);
    expect(writes).toHaveLength(1);
    expect(brief(writes[0]!)).toMatchObject({ slot: 0, expect: 0, next: 10, ...c.expected });
  });

  it("a cancel order names the job and the policy in its entry", () => {
    const s = schedule({ overlap: "terminate_other" });
    const [write] = planTick(s, ON_TIME, ["job-7"]).writes;
    expect(write!.cancel[0]!.entry).toEqual({
      slotAt: T,
      at: ON_TIME,
      kind: "cancelled_other",
      reason: "terminate_other",
      message: "cancelled job job-7 for the new slot",
    });
  });
});

describe("overlap skip names the job that holds the slot", () => {
  it("an active job: the oldest one", () => {
    const [write] = planTick(schedule(), ON_TIME, ["7", "9"]).writes;
    expect(write!.events).toEqual([
      { name: "schedule:skipped", slotAt: T, reason: "overlap", blockedBy: { jobId: "7" } },
    ]);
  });

  it("a job fired by an earlier write of the same plan: named by its slot", () => {
    const s = schedule({ catchup: "all", catchupWindowMs: H });
    const writes = planTick(s, T + 10 * S + 500, []).writes;
    expect(writes.map((w) => w.events)).toEqual([
      [],
      [
        {
          name: "schedule:skipped",
          slotAt: T + 10 * S,
          reason: "overlap",
          blockedBy: { jobOfSlot: T },
        },
      ],
    ]);
  });
});

describe("catch-up after downtime (hourly, 6 slots due, the latest 30 min late)", () => {
  const hourly = (partial: Partial<TickSchedule>) =>
    schedule({ timing: { kind: "every", everyMs: H }, ...partial });
  const NOW = T + 5 * H + 30 * M;
  const hours = (...h: number[]) => h.map((x) => (x * H) / S);

  it("skip: one write records every slot missed (catchup_skip) and moves the cursor on", () => {
    const { writes } = planTick(hourly({ catchup: "skip" }), NOW, []);
    expect(writes.map(brief)).toEqual([
      {
        slot: hours(5)[0],
        expect: 0,
        next: hours(6)[0],
        job: null,
        status: "missed",
        history: hours(0, 1, 2, 3, 4, 5).map((s) => `missed/catchup_skip@${s}`),
        cancel: [],
        buffered: undefined,
        events: hours(0, 1, 2, 3, 4, 5).map((s) => `schedule:missed/catchup_skip@${s}`),
      },
    ]);
  });

  it("latest: the latest slot is caught up, the others missed (catchup_skip)", () => {
    const { writes } = planTick(hourly({ catchup: "latest" }), NOW, []);
    expect(writes).toHaveLength(1);
    expect(brief(writes[0]!)).toMatchObject({
      slot: hours(5)[0],
      job: "caught_up",
      status: "fired",
      history: [
        ...hours(0, 1, 2, 3, 4).map((s) => `missed/catchup_skip@${s}`),
        `caught_up/-@${hours(5)[0]}`,
      ],
    });
  });

  it("all: one chained write per slot, oldest first, the last leaves the cursor after now", () => {
    const s = hourly({ catchup: "all", catchupWindowMs: 24 * H, overlap: "allow_all" });
    const writes = planTick(s, NOW, []).writes.map(brief);
    expect(writes.map((w) => [w.slot, w.expect, w.next, w.job])).toEqual(
      [0, 1, 2, 3, 4, 5].map((h) => [...hours(h, h, h + 1), "caught_up"]),
    );
  });

  it("all: slots older than the window are missed (outside_catchup_window)", () => {
    const s = hourly({ catchup: "all", catchupWindowMs: 2 * H, overlap: "allow_all" });
    const writes = planTick(s, NOW, []).writes.map(brief);
    expect(writes.map((w) => w.slot)).toEqual(hours(4, 5));
    expect(writes[0]!.history).toEqual([
      ...hours(0, 1, 2, 3).map((s) => `missed/outside_catchup_window@${s}`),
      `caught_up/-@${hours(4)[0]}`,
    ]);
  });

  it("all past the cap: a warning (catchup_cap), only the latest runs, the rest missed", () => {
    const s = hourly({ catchup: "all", catchupWindowMs: 24 * H, overlap: "allow_all" });
    const writes = planTick(s, NOW, [], { maxCatchup: 3 }).writes.map(brief);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.history).toEqual([
      ...hours(0, 1, 2, 3, 4).map((s) => `missed/catchup_cap@${s}`),
      "warning/catchup_cap@-",
      `caught_up/-@${hours(5)[0]}`,
    ]);
  });

  it("all + skip: the first caught-up job is active for the later slots (overlap)", () => {
    const s = hourly({ catchup: "all", catchupWindowMs: 3 * H, overlap: "skip" });
    const writes = planTick(s, NOW, []).writes.map(brief);
    expect(writes.map((w) => `${w.status}:${w.history.at(-1)}`)).toEqual([
      `fired:caught_up/-@${hours(3)[0]}`,
      `skipped:skipped/overlap@${hours(4)[0]}`,
      `skipped:skipped/overlap@${hours(5)[0]}`,
    ]);
  });

  it("all + terminate_other: each slot cancels the job the previous write fires, once", () => {
    const s = hourly({ catchup: "all", catchupWindowMs: 3 * H, overlap: "terminate_other" });
    const writes = planTick(s, NOW, ["old"]).writes.map(brief);
    expect(writes.map((w) => w.cancel)).toEqual([
      ["old:terminate_other"],
      [`slot ${hours(3)[0]}:terminate_other`],
      [`slot ${hours(4)[0]}:terminate_other`],
    ]);
    expect(writes.every((w) => w.job === "caught_up")).toBe(true);
  });

  it("all + cancel_other: the first fires; the next ones cancel it once and supersede each other", () => {
    const s = hourly({ catchup: "all", catchupWindowMs: 3 * H, overlap: "cancel_other" });
    const writes = planTick(s, NOW, []).writes.map(brief);
    expect(writes.map((w) => [w.status, w.cancel, w.buffered])).toEqual([
      ["fired", [], undefined],
      ["buffered", [`slot ${hours(3)[0]}:cancel_other`], hours(4)],
      ["buffered", [], hours(5)],
    ]);
    expect(writes[2]!.history).toEqual([
      `dropped/buffer_full@${hours(4)[0]}`,
      `buffered/overlap@${hours(5)[0]}`,
    ]);
  });
});

describe("jitter", () => {
  const s = schedule({ timing: { kind: "every", everyMs: M }, jitterMs: 30 * S });

  it("the cursor after now is due after the slot's deterministic jitter, before the next slot", () => {
    const [write] = planTick(s, ON_TIME, []).writes;
    const delay = jitterFor("s1", T + M, 30 * S, T + 2 * M);
    expect(write!.next).toEqual({ nextSlotAt: T + M, nextDueAt: T + M + delay });
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(30 * S);
    expect(planTick(s, ON_TIME, []).writes[0]!.next).toEqual(write!.next);
  });

  it("intermediate cursors of a catch-up carry no jitter", () => {
    const all = { ...s, catchup: "all" as const, overlap: "allow_all" as const };
    const writes = planTick(all, T + 2 * M + 5 * S, []).writes;
    expect(writes.slice(0, -1).map((w) => w.next.nextDueAt! - w.next.nextSlotAt!)).toEqual([0, 0]);
  });
});

describe("one-shot (at) and nothing due", () => {
  const once = schedule({ timing: { kind: "at", at: T } });

  it("fires once and leaves no cursor", () => {
    const writes = planTick(once, ON_TIME, []).writes.map(brief);
    expect(writes).toMatchObject([{ job: "fired", next: null, status: "fired" }]);
  });

  it("missed during downtime with catchup skip: recorded, then done", () => {
    const writes = planTick(once, T + 2 * H, []).writes.map(brief);
    expect(writes).toMatchObject([
      { job: null, next: null, status: "missed", history: ["missed/catchup_skip@0"] },
    ]);
  });

  it("done or not yet due: no write", () => {
    expect(planTick({ ...once, nextSlotAt: null, nextDueAt: null }, ON_TIME, []).writes).toEqual(
      [],
    );
    expect(planTick(schedule(), T - 1, []).writes).toEqual([]);
  });

  it("an invalid schedule throws ValidationError", () => {
    expect(() => planTick(schedule({ bufferLimit: -1 }), ON_TIME, [])).toThrow(ValidationError);
  });
});

describe("outcome plans", () => {
  const firing = planTick(schedule(), ON_TIME, []).writes[0]!;

  it("buffered fire: the oldest slot fires from_buffer once no job is active", () => {
    const s = schedule({ bufferedSlots: [X, Y], nextSlotAt: T + 10 * S });
    expect(planBufferedFire(s, ["a"], ON_TIME)).toBeNull();
    expect(planBufferedFire(schedule(), [], ON_TIME)).toBeNull();
    expect(brief(planBufferedFire(s, [], ON_TIME)!)).toEqual({
      slot: -20,
      expect: 10,
      next: 10,
      job: "from_buffer",
      status: "fired",
      history: ["fired/from_buffer@-20"],
      cancel: [],
      buffered: [-10],
      events: [],
    });
  });

  it("queue full: no job, the fire entry becomes skipped/queue_full, an event says so", () => {
    expect(brief(planQueueFull(firing, "queue q is full", ON_TIME))).toMatchObject({
      job: null,
      status: "skipped",
      next: 10,
      history: ["skipped/queue_full@0"],
      events: ["schedule:skipped/queue_full@0"],
    });
  });

  it("build failure: no job, error/build_failed with the message, cursor moves on", () => {
    const w = planBuildFailure(firing, "key function bug", ON_TIME);
    expect(brief(w)).toMatchObject({ job: null, status: "error", next: 10 });
    expect(w.history).toEqual([
      {
        slotAt: T,
        at: ON_TIME,
        kind: "error",
        reason: "build_failed",
        message: "key function bug",
      },
    ]);
  });

  it("after a failure: the cursor moves past now; nothing when not due", () => {
    expect(planAfterFailure(schedule(), T - 1)).toBeNull();
    expect(brief(planAfterFailure(schedule(), T + 25 * S)!)).toMatchObject({
      slot: 0,
      expect: 0,
      next: 30,
      status: "error",
      history: [],
    });
    const broken = schedule({ timing: { kind: "cron", cron: "nope", timezone: "UTC" } });
    expect(planAfterFailure(broken, ON_TIME)!.next).toEqual({ nextSlotAt: null, nextDueAt: null });
  });
});
