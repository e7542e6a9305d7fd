/**
 * A store that fails pre-fire writes (a job due after the write's `now`): the loop backs off
 * instead of retrying every tick until the slot is due, records the failure a bounded number
 * of times, and still fires the slot at its instant through the normal path. The loop runs on
 * its own timers here (a manual clock advanced step by step), as in production.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createKairos, type Kairos } from "../../src/index.js";
import type { FireSlotRequest, ScheduleStore } from "../../src/ports/schedule-store.js";
import { DEFAULT_PREFIRE_LEAD_MS } from "../../src/runtime/scheduler/scheduler-loop.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { T0, jobsOf } from "./helpers.js";

const SLOT = T0 + 60_000;
const L = DEFAULT_PREFIRE_LEAD_MS;
/** Past this many due reads the store says nothing is due: the old spin ends instead of hanging. */
const SPIN_GUARD = 500;

const open: Kairos[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

/** An engine whose schedule store throws on every pre-fire write; counts its due reads. */
async function failingPrefires() {
  const clock = new ManualClock(T0);
  const kairos = await createKairos({ store: "sqlite::memory:", clock });
  open.push(kairos);
  const store = kairos.scheduleStore as ScheduleStore;
  const counts = { dueReads: 0 };
  const refuse = (requests: readonly FireSlotRequest[]) => {
    if (requests.some((r) => r.job !== null && r.job.runAt > r.now)) {
      throw new Error("disk I/O error");
    }
  };
  const fireSlot = store.fireSlot.bind(store);
  const fireSlots = store.fireSlots!.bind(store);
  const dueSchedules = store.dueSchedules.bind(store);
  const nextDueAt = store.nextDueAt.bind(store);
  Object.assign(store, {
    fireSlot: async (r: FireSlotRequest) => (refuse([r]), fireSlot(r)),
    fireSlots: async (rs: readonly FireSlotRequest[]) => (refuse(rs), fireSlots(rs)),
    dueSchedules: async (now: number, limit: number, lead?: number) =>
      ++counts.dueReads > SPIN_GUARD ? [] : dueSchedules(now, limit, lead),
    nextDueAt: async (lead?: number) => (counts.dueReads > SPIN_GUARD ? null : nextDueAt(lead)),
  });
  await kairos.start({ workers: false });
  await kairos.schedules.create({
    allowUnknown: true,
    name: "p",
    fn: "work",
    every: "1m",
    overlap: "allow_all",
  });
  return { kairos, clock, counts };
}

describe("pre-fire failure", () => {
  it("backs off, records the failure a bounded number of times, fires at the instant", async () => {
    const { kairos, clock, counts } = await failingPrefires();
    const errors: string[] = [];
    kairos.on("schedule:error", (e) => errors.push(e.message));
    await clock.advanceAsync(SLOT - L - 10 - T0);
    counts.dueReads = 0;
    // The lead window, 10 ms at a time (the loop's own timers and change polls run).
    for (let t = SLOT - L - 10; t < SLOT - 10; t += 10) await clock.advanceAsync(10);
    expect(counts.dueReads).toBeLessThan(30);
    expect(errors).toEqual(["disk I/O error"]);
    const history = await kairos.schedules.history("p");
    expect(history.filter((h) => h.kind === "error")).toHaveLength(1);
    expect(await jobsOf(kairos, "work")).toEqual([]);

    // At its instant the slot fires through the normal path (not a pre-fire: not refused).
    for (let t = SLOT - 10; t < SLOT + 50; t += 10) await clock.advanceAsync(10);
    const jobs = await jobsOf(kairos, "work");
    expect(jobs.map((j) => [j.state, j.runAt.getTime()])).toEqual([["queued", SLOT]]);
    expect(await kairos.schedules.get("p")).toMatchObject({ runCount: 1 });
  });
});
