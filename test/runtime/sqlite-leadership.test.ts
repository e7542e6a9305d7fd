/**
 * Leadership on SQLite: engines sharing one file elect one leader through the lease row; the
 * other says it stands by (and `kairos dev` prints so) and takes over when the leader stops.
 * An in-memory store keeps leading alone. An overlap skip names the job that holds the slot.
 */
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { watchEngine } from "../../src/cli/dev/watch.js";
import type { Kairos, LeaderLock } from "../../src/index.js";
import { collect, deferred, nextEvent, waitFor } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";

function printed(k: Kairos): string[] {
  const lines: string[] = [];
  watchEngine(k, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return lines;
}

/** Wait until `k` has checked leadership `n` more times. */
async function checks(k: Kairos, n: number): Promise<void> {
  const seen = new Set<number | null>([k.leadership().lastCheckAt]);
  await waitFor(() => {
    seen.add(k.leadership().lastCheckAt);
    return seen.size > n;
  }, `${n} leadership checks`);
}

describe("leadership on one SQLite file", () => {
  it("elects exactly one leader; the other stands by once, and takes over when the leader stops", async () => {
    const file = path.join(tempDir(), "k.db");
    const a = await fileKairos(file);
    const b = await fileKairos(file);
    for (const k of [a, b]) k.define("work", () => "ok");
    await a.schedules.create({ name: "tick", fn: "work", every: "1s", overlap: "allow_all" });
    const linesB = printed(b);
    const standbys = collect(b, "leader:standby");
    const firedByB = collect(b, "schedule:fired");

    const electedA = nextEvent(a, "leader:elected");
    await a.start({ leaderCheckMs: 50 });
    await electedA;
    const standby = nextEvent(b, "leader:standby");
    await b.start({ leaderCheckMs: 50 });
    const event = await standby;
    expect(event).toMatchObject({
      holder: `pid ${process.pid} on ${os.hostname()}`,
      holderPid: process.pid,
      holderHost: os.hostname(),
    });
    expect(event.leaseExpiresAt).toBeGreaterThan(event.at);
    await nextEvent(a, "schedule:fired");
    await checks(b, 3);
    expect([a.leadership().isLeader, b.leadership().isLeader]).toEqual([true, false]);
    expect(standbys).toHaveLength(1); // once per holder, not once per check
    expect(firedByB).toEqual([]);
    expect(linesB.filter((l) => l.includes(" standby "))).toEqual([
      expect.stringMatching(
        /standby {3}another process \(pid \d+ on .+\) leads; this one takes over when it stops$/,
      ),
    ]);

    // The leader stops: its lease is released, the standby takes over at its next check.
    const electedB = nextEvent(b, "leader:elected");
    await a.stop({ drainMs: 0 });
    await electedB;
    await nextEvent(b, "schedule:fired");
    expect(b.leadership().isLeader).toBe(true);
    expect(linesB.some((l) => l.includes(" leader    this process now runs"))).toBe(true);
  });

  it("a lock that cannot name its holder (PostgreSQL's) stands by as 'another process', once", async () => {
    const taken: LeaderLock = {
      tryAcquire: async () => false,
      isHeld: async () => false,
      release: async () => undefined,
      close: async () => undefined,
    };
    const k = await memoryKairos({ leaderLock: taken });
    const standbys = collect(k, "leader:standby");
    await k.start({ leaderCheckMs: 20 });
    await checks(k, 3);
    expect(standbys).toEqual([
      {
        at: expect.any(Number),
        holder: "another process",
        holderPid: null,
        holderHost: null,
        leaseExpiresAt: null,
      },
    ]);
  });

  it("a store in memory leads alone from start, without a lease", async () => {
    const k = await memoryKairos();
    const standbys = collect(k, "leader:standby");
    await k.start();
    expect(k.leadership().isLeader).toBe(true);
    expect(standbys).toEqual([]);
  });

  it("rejects a leader lease that is not a positive whole number of ms", async () => {
    const file = path.join(tempDir(), "k.db");
    await expect(fileKairos(file, { leaderLeaseMs: 0 })).rejects.toThrow(/leaderLeaseMs/);
  });
});

describe("overlap skip names the blocking job", () => {
  const T0 = Date.parse("2026-01-05T00:00:00Z");

  it("carries the running job and its lease expiry; kairos dev prints them", async () => {
    const clock = new ManualClock(T0);
    const k = await memoryKairos({ clock });
    const lines = printed(k);
    const started = deferred();
    const release = deferred();
    k.define("work", async () => {
      started.resolve();
      await release.promise;
      return "done";
    });
    await k.schedules.create({ name: "nightly", fn: "work", every: "10s", overlap: "skip" });
    await k.start({ leaseMs: 30_000 });
    try {
      await skipAndCheck(k, clock, lines, started.promise);
    } finally {
      release.resolve();
    }
  });

  async function skipAndCheck(
    k: Kairos,
    clock: ManualClock,
    lines: string[],
    started: Promise<void>,
  ): Promise<void> {
    clock.set(T0 + 10_000);
    await k.tickScheduler();
    await started;
    const skipped = nextEvent(k, "schedule:skipped");
    clock.set(T0 + 20_000);
    await k.tickScheduler();
    const event = await skipped;
    const [job] = await k.jobs.list({ fn: "work" });
    expect(event).toMatchObject({ reason: "overlap", slotAt: T0 + 20_000 });
    expect(event.blockedBy).toEqual({
      jobId: job!.id,
      state: "running",
      leaseExpiresAt: T0 + 10_000 + 30_000, // claimed at the slot's tick, for leaseMs
    });
    const until = new Date(event.blockedBy!.leaseExpiresAt!).toISOString().slice(11, 23);
    expect(lines.filter((l) => l.includes(" skipped "))).toEqual([
      expect.stringContaining(
        `nightly slot 2026-01-05T00:00:20.000Z (overlap: job ${job!.id} running, lease until ${until})`,
      ),
    ]);
  }
});
