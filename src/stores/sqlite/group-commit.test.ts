/** The group commit's own rules: one commit per event-loop turn, outcomes routed per call. */
import { describe, expect, it, vi } from "vitest";
import { createGroupCommit, type Settled } from "./group-commit.js";

const doubled = (inputs: readonly number[]): Settled<number>[] =>
  inputs.map((n) =>
    n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 },
  );

describe("group commit", () => {
  it("hands every call made in one turn to a single commit, in submission order", async () => {
    const commitAll = vi.fn(doubled);
    const group = createGroupCommit(commitAll);
    const results = await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    expect(results).toEqual([2, 4, 6]);
    expect(commitAll).toHaveBeenCalledTimes(1);
    expect(commitAll).toHaveBeenCalledWith([1, 2, 3]);
  });

  it("commits again for calls made after the previous group settled", async () => {
    const commitAll = vi.fn(doubled);
    const group = createGroupCommit(commitAll);
    expect(await group.submit(1)).toBe(2);
    expect(await group.submit(2)).toBe(4);
    expect(commitAll.mock.calls).toEqual([[[1]], [[2]]]);
  });

  it("rejects only the call whose own outcome failed", async () => {
    const group = createGroupCommit(doubled);
    const settled = await Promise.allSettled([group.submit(1), group.submit(-1), group.submit(3)]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error("bad -1"));
  });

  it("rejects every call of a group whose commit threw", async () => {
    const group = createGroupCommit<number, number>(() => {
      throw new Error("disk full");
    });
    const settled = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(settled).toEqual([
      { status: "rejected", reason: new Error("disk full") },
      { status: "rejected", reason: new Error("disk full") },
    ]);
  });

  it("flush() commits what is pending at once, synchronously", async () => {
    const commitAll = vi.fn(doubled);
    const group = createGroupCommit(commitAll);
    const pending = group.submit(5);
    expect(group.pending).toBe(1);
    group.flush();
    expect(commitAll).toHaveBeenCalledTimes(1);
    expect(group.pending).toBe(0);
    expect(await pending).toBe(10);
  });

  it("still commits when a test has faked the timers", async () => {
    vi.useFakeTimers();
    try {
      const group = createGroupCommit(doubled);
      expect(await group.submit(4)).toBe(8);
    } finally {
      vi.useRealTimers();
    }
  });
});
