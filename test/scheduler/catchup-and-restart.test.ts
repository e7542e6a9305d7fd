import path from "node:path";
import { describe, expect, it } from "vitest";
import { createKairos } from "../../src/index.js";
import { alwaysLeader } from "../../src/ports/leader-lock.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { tempDir } from "../helpers/kairos.js";
import { jobsOf, manualScheduler, T0 } from "./helpers.js";

describe("firing and catch-up", () => {
  it("fires each slot once as time passes, and records runtime state", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({
      allowUnknown: true,
      name: "m",
      fn: "work",
      cron: "* * * * *",
      payload: { a: 1 },
      overlap: "allow_all", // no workers run here: earlier jobs stay active
    });
    for (let minute = 1; minute <= 3; minute++) {
      clock.set(T0 + minute * 60_000);
      await kairos.tickScheduler();
      await kairos.tickScheduler(); // a second tick at the same instant fires nothing more
    }
    const jobs = await jobsOf(kairos, "work");
    expect(jobs.map((j) => j.payload)).toEqual([{ a: 1 }, { a: 1 }, { a: 1 }]);
    const s = await kairos.schedules.get("m");
    expect(s).toMatchObject({ runCount: 3, lastStatus: "fired" });
    expect(s!.nextFireAt!.toISOString()).toBe(new Date(T0 + 4 * 60_000).toISOString());
  });

  it("catchup skip: after downtime the missed slots are recorded, not run", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({
      allowUnknown: true,
      name: "s",
      fn: "work",
      cron: "0 * * * *",
      catchup: "skip",
    });
    clock.set(T0 + 5 * 3_600_000 + 30 * 60_000); // 05:30, slots 01:00..05:00 missed
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(0);
    const missed = (await kairos.schedules.history("s")).filter((h) => h.kind === "missed");
    expect(missed.map((h) => h.reason)).toEqual(Array(5).fill("catchup_skip"));
  });

  it("catchup latest: one job for the most recent missed slot", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({
      allowUnknown: true,
      name: "l",
      fn: "work",
      cron: "0 * * * *",
      catchup: "latest",
    });
    clock.set(T0 + 5 * 3_600_000 + 30 * 60_000);
    await kairos.tickScheduler();
    const history = await kairos.schedules.history("l");
    expect(history.filter((h) => h.kind === "caught_up").map((h) => h.slotAt)).toEqual([
      T0 + 5 * 3_600_000,
    ]);
    expect(history.filter((h) => h.kind === "missed")).toHaveLength(4);
  });

  it("catchup all within the window, with a hard cap and a warning past it", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({
      allowUnknown: true,
      name: "a",
      fn: "work",
      every: "1m",
      catchup: "all",
      catchupWindow: "1d",
      overlap: "allow_all",
    });
    clock.set(T0 + 10 * 60_000 + 1_000);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(10);

    clock.advance(6 * 3_600_000); // 360 missed slots: past the cap of 100
    await kairos.tickScheduler();
    const history = await kairos.schedules.history("a", 1_000);
    expect(history.some((h) => h.kind === "warning" && h.reason === "catchup_cap")).toBe(true);
    const jobs = await jobsOf(kairos, "work");
    expect(jobs.length).toBe(11); // only the latest slot of the long outage ran
  });

  it("a paused schedule fires nothing; resuming restarts from the next slot", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({ allowUnknown: true, name: "p", fn: "work", every: "10s" });
    await kairos.schedules.pause("p", "maintenance");
    clock.set(T0 + 60_000);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(0);
    const resumed = await kairos.schedules.resume("p");
    expect(resumed.nextFireAt!.getTime()).toBe(T0 + 70_000);
    clock.set(T0 + 70_000);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
    const kinds = (await kairos.schedules.history("p")).map((h) => h.kind);
    expect(kinds).toContain("paused");
    expect(kinds).toContain("resumed");
  });
});

describe("one job per slot", () => {
  it("across a restart: a new engine at the same instant does not fire the slot again", async () => {
    const file = path.join(tempDir(), "k.db");
    const clock = new ManualClock(T0);
    const first = await manualScheduler({ store: `sqlite:${file}`, clock });
    await first.kairos.schedules.create({
      allowUnknown: true,
      name: "r",
      fn: "work",
      every: "10s",
    });
    clock.set(T0 + 10_000);
    await first.kairos.tickScheduler();
    await first.kairos.stop();
    const second = await manualScheduler({ store: `sqlite:${file}`, clock });
    await second.kairos.tickScheduler();
    expect(await jobsOf(second.kairos, "work")).toHaveLength(1);
  });

  it("two engines on one file ticking at the same instant fire each slot exactly once", async () => {
    const file = path.join(tempDir(), "k.db");
    const clock = new ManualClock(T0);
    // Both lead (as if the lease failed): the unique (schedule, slot) key is the last defence.
    const both = { store: `sqlite:${file}`, clock, leaderLock: alwaysLeader };
    const a = await manualScheduler(both);
    const b = await manualScheduler(both);
    for (let i = 0; i < 20; i++) {
      await a.kairos.schedules.create({
        allowUnknown: true,
        name: `s${i}`,
        fn: "work",
        every: "10s",
        overlap: "allow_all",
      });
    }
    for (let step = 1; step <= 5; step++) {
      clock.set(T0 + step * 10_000);
      await Promise.all([a.kairos.tickScheduler(), b.kairos.tickScheduler()]);
    }
    const jobs = await jobsOf(a.kairos, "work");
    expect(jobs).toHaveLength(100);
    const reader = await createKairos({ store: `sqlite:${file}` });
    const scheduled = await reader.jobs.list({ limit: 1_000 });
    await reader.stop();
    expect(scheduled).toHaveLength(100);
  });
});

describe("the loop cannot die", () => {
  it("an error firing one schedule is recorded on it and the others still fire", async () => {
    const { kairos, clock } = await manualScheduler();
    kairos.define("bad", () => null, {
      concurrency: {
        key: () => {
          throw new Error("key function bug");
        },
      },
    });
    await kairos.schedules.create({ allowUnknown: true, name: "broken", fn: "bad", every: "10s" });
    await kairos.schedules.create({
      allowUnknown: true,
      name: "fine",
      fn: "work",
      every: "10s",
      overlap: "allow_all",
    });
    clock.set(T0 + 10_000);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
    const broken = await kairos.schedules.get("broken");
    expect(broken!.lastError).toMatch(/key function bug/);
    expect((await kairos.schedules.history("broken")).some((h) => h.kind === "error")).toBe(true);
    // It keeps going on the next slot too.
    clock.set(T0 + 20_000);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(2);
    expect(broken!.nextFireAt!.getTime()).toBe(T0 + 20_000);
  });
});

describe("jitter", () => {
  it("delays a slot deterministically, never past the next slot", async () => {
    const { kairos, clock } = await manualScheduler();
    await kairos.schedules.create({
      allowUnknown: true,
      name: "j",
      fn: "work",
      every: "1m",
      jitter: "30s",
      overlap: "allow_all",
    });
    clock.set(T0 + 60_000);
    await kairos.tickScheduler();
    // The first slot was created with due = slot; later slots carry their jitter.
    const store = kairos.scheduleStore!;
    const s = await store.getSchedule("j");
    expect(s!.nextDueAt! - s!.nextSlotAt!).toBeGreaterThanOrEqual(0);
    expect(s!.nextDueAt! - s!.nextSlotAt!).toBeLessThan(30_000);
    clock.set(s!.nextSlotAt!);
    if (s!.nextDueAt! > s!.nextSlotAt!) {
      await kairos.tickScheduler();
      expect(await jobsOf(kairos, "work")).toHaveLength(1); // not yet due
    }
    clock.set(s!.nextDueAt!);
    await kairos.tickScheduler();
    expect(await jobsOf(kairos, "work")).toHaveLength(2);
  });
});
