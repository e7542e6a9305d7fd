/**
 * Split brain on PostgreSQL: two engines both believe they lead (their lock always says
 * "held") and tick at the same instants. The cursor compare-and-set and, below it, the unique
 * (schedule, slot) key must still give exactly one job per slot.
 */
import { afterEach, expect, it } from "vitest";
import { createKairos, type Kairos, type LeaderLock } from "../../src/index.js";
import { openStores } from "../../src/stores/open-store.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const T0 = Date.parse("2026-01-05T00:00:00Z");
const believesItLeads: LeaderLock = {
  tryAcquire: async () => true,
  isHeld: async () => true,
  release: async () => undefined,
  close: async () => undefined,
};

const engines: Kairos[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

async function engine(url: string, clock: ManualClock): Promise<Kairos> {
  const stores = await openStores(url);
  const k = await createKairos({
    store: stores.jobs,
    scheduleStore: stores.schedules,
    leaderLock: believesItLeads,
    clock,
  });
  engines.push(k);
  await k.start({ workers: false });
  return k;
}

describePg("split brain on PostgreSQL", () => {
  it("two engines that both think they lead fire each slot exactly once", async () => {
    const url = `${pgUrl()}?schema=${freshSchema()}`;
    const clock = new ManualClock(T0);
    const a = await engine(url, clock);
    const b = await engine(url, clock);
    // Leadership is confirmed asynchronously at start; wait until both loops run.
    for (let i = 0; i < 100 && (!a.leadership().isLeader || !b.leadership().isLeader); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < 30; i++) {
      await a.schedules.create({
        allowUnknown: true,
        name: `s${i}`,
        fn: "work",
        every: "10s",
        overlap: "allow_all",
      });
    }
    for (let step = 1; step <= 5; step++) {
      clock.set(T0 + step * 10_000);
      await Promise.all([
        a.tickScheduler(),
        b.tickScheduler(),
        a.tickScheduler(),
        b.tickScheduler(),
      ]);
    }
    const jobs = await a.jobs.list({ limit: 10_000 });
    expect(jobs).toHaveLength(150);
    for (const name of ["s0", "s17", "s29"]) {
      expect((await a.schedules.get(name))!.runCount).toBe(5);
    }
  }, 60_000);
});
