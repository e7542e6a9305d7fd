/**
 * Table tests of pre-firing: only allow_all, only inside the lead, never a due slot, the job's
 * runAt is the slot's due time (jitter included) and the cursor moves as at the slot.
 */
import { describe, expect, it } from "vitest";
import { jitterFor } from "./jitter.js";
import { planPrefire, planSchedule, runAtOf } from "./plan-prefire.js";
import { planTick, type TickSchedule } from "./plan-tick.js";
import type { OverlapPolicy } from "./types.js";

const S = 1_000;
const T = Date.parse("2026-05-01T12:00:00Z");

function schedule(partial: Partial<TickSchedule> = {}): TickSchedule {
  return {
    id: "s1",
    timing: { kind: "every", everyMs: 60 * S },
    overlap: "allow_all",
    bufferLimit: 2,
    catchup: "skip",
    catchupWindowMs: 3_600_000,
    jitterMs: 0,
    nextSlotAt: T,
    nextDueAt: T,
    bufferedSlots: [],
    ...partial,
  };
}

describe("planPrefire", () => {
  it("writes the coming slot at T - L with runAt T and moves the cursor to the next slot", () => {
    const write = planPrefire(schedule(), T - 3 * S, 3 * S);
    expect(write).toEqual({
      slotAt: T,
      expectedNextSlotAt: T,
      next: { nextSlotAt: T + 60 * S, nextDueAt: T + 60 * S },
      job: "fired",
      cancel: [],
      history: [{ slotAt: T, at: T - 3 * S, kind: "fired", reason: null, message: null }],
      status: "fired",
      events: [],
      runAt: T,
    });
  });

  it("is null outside the lead, once due, with the lead off, or without a cursor", () => {
    expect(planPrefire(schedule(), T - 3 * S - 1, 3 * S)).toBeNull();
    expect(planPrefire(schedule(), T, 3 * S)).toBeNull();
    expect(planPrefire(schedule(), T + 1, 3 * S)).toBeNull();
    expect(planPrefire(schedule(), T - 1, 0)).toBeNull();
    expect(planPrefire(schedule({ nextSlotAt: null, nextDueAt: null }), T - 1, 3 * S)).toBeNull();
  });

  it.each<OverlapPolicy>(["skip", "buffer_one", "buffer_all", "cancel_other", "terminate_other"])(
    "never pre-fires %s (it decides from the jobs active at the slot)",
    (overlap) => {
      expect(planPrefire(schedule({ overlap }), T - S, 3 * S)).toBeNull();
      expect(planSchedule(schedule({ overlap }), T - S, [], { leadMs: 3 * S })).toEqual({
        writes: [],
      });
    },
  );

  it("gives the job the jittered due time, and the next cursor its own jitter", () => {
    const jitterMs = 10 * S;
    const due = T + jitterFor("s1", T, jitterMs, T + 60 * S);
    const s = schedule({ jitterMs, nextDueAt: due });
    const write = planPrefire(s, due - S, 2 * S);
    expect(write?.runAt).toBe(due);
    const nextSlot = T + 60 * S;
    expect(write?.next).toEqual({
      nextSlotAt: nextSlot,
      nextDueAt: nextSlot + jitterFor("s1", nextSlot, jitterMs, nextSlot + 60 * S),
    });
    // Between the slot and its jittered due time the slot is still pre-fired, never run early.
    expect(planPrefire(s, T, due - T + 1)?.runAt).toBe(due);
  });

  it("leaves a one-shot schedule without a cursor after its slot", () => {
    const write = planPrefire(schedule({ timing: { kind: "at", at: T } }), T - S, 3 * S);
    expect(write?.next).toEqual({ nextSlotAt: null, nextDueAt: null });
  });
});

describe("planSchedule", () => {
  it("is planTick for a due slot (catch-up and all), whatever the lead", () => {
    const s = schedule({ nextSlotAt: T - 120 * S, nextDueAt: T - 120 * S, catchup: "all" });
    expect(planSchedule(s, T + 1, [], { leadMs: 3 * S, maxCatchup: 5 })).toEqual(
      planTick(s, T + 1, [], { maxCatchup: 5 }),
    );
  });

  it("is the pre-fire write inside the lead, and runAtOf reads its runAt", () => {
    const { writes } = planSchedule(schedule(), T - S, [], { leadMs: 3 * S });
    expect(writes).toHaveLength(1);
    expect(runAtOf(writes[0]!)).toBe(T);
    const [due] = planTick(schedule(), T, []).writes;
    expect(runAtOf(due!)).toBeUndefined();
  });
});
