/** Tests of decideOverlap: every policy with and without active jobs, buffers and limits. */
import { describe, expect, it } from "vitest";
import type { OverlapPolicy } from "./types.js";
import { ValidationError } from "../errors.js";
import { decideOverlap, type OverlapInput } from "./overlap.js";

const POLICIES: OverlapPolicy[] = [
  "skip",
  "buffer_one",
  "buffer_all",
  "cancel_other",
  "terminate_other",
  "allow_all",
];

function decide(policy: OverlapPolicy, extra: Partial<OverlapInput> = {}) {
  return decideOverlap({
    policy,
    activeJobIds: ["job-1"],
    bufferedSlots: [],
    slotAt: 3_000,
    bufferLimit: 2,
    ...extra,
  });
}

describe("decideOverlap", () => {
  it.each(POLICIES)("%s: no active job -> fire", (policy) => {
    expect(decide(policy, { activeJobIds: [], bufferedSlots: [1_000] })).toEqual({
      action: "fire",
    });
  });

  it("skip: an active job -> skip (reason overlap)", () => {
    expect(decide("skip")).toEqual({ action: "skip", reason: "overlap" });
  });

  it("buffer_one: the first slot waits, a second one is dropped", () => {
    expect(decide("buffer_one")).toEqual({ action: "buffer", bufferedSlots: [3_000], dropped: [] });
    expect(decide("buffer_one", { bufferedSlots: [2_000] })).toEqual({
      action: "buffer",
      bufferedSlots: [2_000],
      dropped: [3_000],
    });
  });

  it("buffer_all: appends up to bufferLimit, then drops the NEW slot", () => {
    expect(decide("buffer_all", { bufferedSlots: [1_000] })).toEqual({
      action: "buffer",
      bufferedSlots: [1_000, 3_000],
      dropped: [],
    });
    expect(decide("buffer_all", { bufferedSlots: [1_000, 2_000] })).toEqual({
      action: "buffer",
      bufferedSlots: [1_000, 2_000],
      dropped: [3_000],
    });
  });

  it("buffer_all: a lowered limit drops the excess newest slots too", () => {
    expect(decide("buffer_all", { bufferedSlots: [1_000, 2_000, 2_500], bufferLimit: 1 })).toEqual({
      action: "buffer",
      bufferedSlots: [1_000],
      dropped: [2_000, 2_500, 3_000],
    });
    expect(decide("buffer_all", { bufferLimit: 0 })).toEqual({
      action: "buffer",
      bufferedSlots: [],
      dropped: [3_000],
    });
  });

  it("buffering the same slot twice is idempotent", () => {
    expect(decide("buffer_all", { bufferedSlots: [1_000, 3_000] })).toEqual({
      action: "buffer",
      bufferedSlots: [1_000, 3_000],
      dropped: [],
    });
    expect(decide("buffer_one", { bufferedSlots: [3_000] })).toEqual({
      action: "buffer",
      bufferedSlots: [3_000],
      dropped: [],
    });
  });

  it("cancel_other: cancel the active jobs, the slot waits for them to end, superseding any waiting slot", () => {
    expect(decide("cancel_other", { activeJobIds: ["a", "b"] })).toEqual({
      action: "cancel_then_buffer",
      cancelJobIds: ["a", "b"],
      bufferedSlots: [3_000],
      dropped: [],
    });
    expect(decide("cancel_other", { bufferedSlots: [2_000] })).toEqual({
      action: "cancel_then_buffer",
      cancelJobIds: ["job-1"],
      bufferedSlots: [3_000],
      dropped: [2_000],
    });
  });

  it("terminate_other: cancel the active jobs and fire now", () => {
    expect(decide("terminate_other", { activeJobIds: ["a", "b"] })).toEqual({
      action: "cancel_and_fire",
      cancelJobIds: ["a", "b"],
    });
  });

  it("allow_all: always fire", () => {
    expect(decide("allow_all", { activeJobIds: ["a", "b", "c"] })).toEqual({ action: "fire" });
  });

  it("does not alias the caller's arrays", () => {
    const active = ["a"];
    const buffered = [1_000];
    const d = decideOverlap({
      policy: "buffer_all",
      activeJobIds: active,
      bufferedSlots: buffered,
      slotAt: 2_000,
      bufferLimit: 5,
    });
    expect(d).toEqual({ action: "buffer", bufferedSlots: [1_000, 2_000], dropped: [] });
    expect(buffered).toEqual([1_000]);
    const c = decideOverlap({
      policy: "terminate_other",
      activeJobIds: active,
      bufferedSlots: [],
      slotAt: 2_000,
      bufferLimit: 5,
    });
    if (c.action !== "cancel_and_fire") throw new Error("expected cancel_and_fire");
    expect(c.cancelJobIds).not.toBe(active);
  });

  it("rejects an unknown policy or a bad bufferLimit", () => {
    expect(() => decide("sometimes" as OverlapPolicy)).toThrow(/unknown overlap policy/);
    expect(() => decide("buffer_all", { bufferLimit: -1 })).toThrow(ValidationError);
    expect(() => decide("buffer_all", { bufferLimit: 1.5 })).toThrow(ValidationError);
  });
});
