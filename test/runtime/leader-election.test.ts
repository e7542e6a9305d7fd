/**
 * Leadership with a controllable LeaderLock: only the leader fires schedules and recovers
 * leases; losing the lock stops the loop at once; followers take over.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createKairos, type LeaderLock } from "../../src/index.js";
import { openStores } from "../../src/stores/open-store.js";
import { nextEvent, waitFor } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";

/** A lock shared by engines in one test: one holder at a time; `drop()` simulates a lost session. */
class SharedLock {
  holder: string | null = null;
  forId(id: string): LeaderLock {
    return {
      tryAcquire: async () => {
        if (this.holder === null) this.holder = id;
        return this.holder === id;
      },
      isHeld: async () => this.holder === id,
      release: async () => {
        if (this.holder === id) this.holder = null;
      },
      close: async () => undefined,
    };
  }
  drop(): void {
    this.holder = null;
  }
}

describe("leader election", () => {
  it("exactly one process leads; it fires the schedule; the other takes over when the lock is lost", async () => {
    const file = path.join(tempDir(), "k.db");
    const lock = new SharedLock();
    const stores = [await openStores(`sqlite:${file}`), await openStores(`sqlite:${file}`)];
    const [a, b] = await Promise.all(
      stores.map((s, i) =>
        createKairos({
          store: s.jobs,
          scheduleStore: s.schedules,
          leaderLock: lock.forId(`p${i}`),
        }),
      ),
    );
    try {
      a!.define("work", () => "ok");
      b!.define("work", () => "ok");
      await a!.schedules.create({ name: "tick", fn: "work", every: "1s", overlap: "allow_all" });
      const electedA = nextEvent(a!, "leader:elected");
      await a!.start({ leaderCheckMs: 50 });
      await electedA;
      await b!.start({ leaderCheckMs: 50 });
      await nextEvent(a!, "schedule:fired", () => true, 5_000);
      expect(a!.leadership().isLeader).toBe(true);
      expect(b!.leadership().isLeader).toBe(false);

      // The leader's session is lost: it must step down, and the follower must take over.
      const lostA = nextEvent(a!, "leader:lost");
      const electedB = nextEvent(b!, "leader:elected");
      lock.drop();
      lock.holder = "p1"; // the follower grabs it before the old leader re-checks
      await lostA;
      await electedB;
      expect(a!.leadership()).toMatchObject({ isLeader: false, stepDowns: 1 });
      let firedByA = 0;
      a!.on("schedule:fired", () => firedByA++);
      await nextEvent(b!, "schedule:fired", () => true, 5_000);
      await nextEvent(b!, "schedule:fired", () => true, 5_000);
      expect(firedByA).toBe(0);
      expect(b!.leadership().isLeader).toBe(true);
    } finally {
      await Promise.all([a!.stop({ drainMs: 0 }), b!.stop({ drainMs: 0 })]);
    }
  });

  it("records time to re-acquire after a step-down", async () => {
    const file = path.join(tempDir(), "k.db");
    const lock = new SharedLock();
    const s = await openStores(`sqlite:${file}`);
    const k = await createKairos({
      store: s.jobs,
      scheduleStore: s.schedules,
      leaderLock: lock.forId("only"),
    });
    try {
      await k.start({ leaderCheckMs: 30, workers: false });
      await waitFor(() => k.leadership().isLeader, "leader");
      lock.holder = "someone-else";
      await waitFor(() => !k.leadership().isLeader, "stepped down");
      lock.holder = null;
      await waitFor(() => k.leadership().isLeader, "re-acquired");
      const status = k.leadership();
      expect(status.stepDowns).toBe(1);
      expect(status.acquisitions).toBe(2);
      expect(status.lastReacquireMs).not.toBeNull();
    } finally {
      await k.stop();
    }
  });
});
