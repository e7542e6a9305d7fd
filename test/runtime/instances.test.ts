/**
 * The cluster view (`kairos.instances()`): engines sharing one SQLite file each report their
 * row; any reader (even one that never started) sees both, the leader marked and first, each
 * duty's last run; a clean stop deletes the row and the view flips when the standby takes
 * over; a row whose heartbeat is older than the TTL is listed as not live; a reader writes
 * nothing.
 */
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Kairos } from "../../src/index.js";
import { nextEvent } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";
import { ManualClock } from "../helpers/manual-clock.js";

const INTERVAL = 1_000;

const summary = async (k: Kairos) =>
  (await k.instances()).map((i) => ({ instance: i.instance, leader: i.leader, live: i.live }));

describe("kairos.instances()", () => {
  it("lists every started engine, the leader first; the view flips when the leader stops", async () => {
    const clock = new ManualClock(Date.now());
    const file = path.join(tempDir(), "k.db");
    const opts = { clock, presenceIntervalMs: INTERVAL };
    const a = await fileKairos(file, { ...opts, workerId: "b-first" });
    const b = await fileKairos(file, { ...opts, workerId: "a-second" });
    const reader = await fileKairos(file, { ...opts, workerId: "reader" });
    for (const k of [a, b]) k.define("work", () => "ok");

    const electedA = nextEvent(a, "leader:elected");
    await a.start({ leaderCheckMs: 100, concurrency: 3 });
    await electedA;
    const standby = nextEvent(b, "leader:standby");
    await b.start({ leaderCheckMs: 100, workers: false });
    await standby;
    await clock.advanceAsync(INTERVAL); // both report again, after the first duty runs

    expect(await summary(reader)).toEqual([
      { instance: "b-first", leader: true, live: true },
      { instance: "a-second", leader: false, live: true },
    ]);
    const [leader, other] = await reader.instances();
    expect(leader).toMatchObject({
      host: os.hostname(),
      pid: process.pid,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      slots: 3,
      running: 0,
      functions: ["work"],
    });
    expect(leader!.heartbeatAt).toBe(clock.now());
    expect(leader!.duties.map((d) => d.name)).toContain("scheduler");
    expect(leader!.duties.find((d) => d.name === "scheduler")!.lastRunAt).toEqual(
      expect.any(Number),
    );
    expect(other).toMatchObject({ slots: null, running: null, duties: [] });

    // The leader stops: its row goes at once; the standby takes over and reports so at once.
    await a.stop({ drainMs: 0 });
    expect(await summary(reader)).toEqual([{ instance: "a-second", leader: false, live: true }]);
    const electedB = nextEvent(b, "leader:elected");
    await clock.advanceAsync(100);
    await electedB;
    await clock.advanceAsync(0);
    expect(await summary(reader)).toEqual([{ instance: "a-second", leader: true, live: true }]);
  });

  it("marks a process whose heartbeat is older than the TTL as not live, after the live ones", async () => {
    const clock = new ManualClock(Date.parse("2026-12-04T00:00:00Z"));
    const k = await memoryKairos({ clock, presenceIntervalMs: INTERVAL, workerId: "me" });
    const table = k.scheduleStore!.instances!;
    const row = {
      host: "elsewhere",
      pid: 1,
      version: "0.0.0",
      startedAt: clock.now(),
      leader: true,
      duties: [],
      slots: null,
      running: null,
      functions: [],
    };
    await table.upsert(
      { ...row, instance: "dead", heartbeatAt: clock.now() - 3 * INTERVAL - 1 },
      0,
    );
    await table.upsert({ ...row, instance: "edge", heartbeatAt: clock.now() - 3 * INTERVAL }, 0);
    expect(await summary(k)).toEqual([
      { instance: "edge", leader: true, live: true },
      { instance: "dead", leader: true, live: false },
    ]);
    await k.start();
    expect((await summary(k)).map((i) => i.instance)).toEqual(["edge", "me", "dead"]);
  });

  it("a process that never starts writes nothing", async () => {
    const file = path.join(tempDir(), "k.db");
    const reader = await fileKairos(file, { workerId: "reader" });
    reader.define("work", () => "ok");
    expect(await reader.instances()).toEqual([]);
    expect(await reader.scheduleStore!.instances!.list()).toEqual([]);
  });
});
