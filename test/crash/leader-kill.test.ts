/**
 * Leadership on SQLite when the leader is killed with SIGKILL: it releases nothing, so its
 * lease row stays until it expires; then the standby takes over, catches the missed slots up,
 * and across the two processes every slot fires exactly once, with no overlap skips.
 */
import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startFixture } from "../helpers/child-fixture.js";
import { collect, nextEvent, waitFor } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

const fixture = fileURLToPath(new URL("../fixtures/leader-process.ts", import.meta.url));
const children: ChildProcess[] = [];
// Longer than the pre-fire lead (1 s: the dead leader wrote the slots up to then) plus two
// slots, so the downtime always leaves at least two due slots, the older caught up.
const LEASE_MS = 4_000;
const EVERY_MS = 1_000;

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Start the fixture; resolves once it leads. */
function startLeader(file: string): Promise<ChildProcess> {
  return startFixture(fixture, [file, String(LEASE_MS)], "leader", children);
}

describe("crash: the SQLite leader is killed with kill -9", () => {
  it("the standby takes over once the lease expires; every slot fires exactly once", async () => {
    const file = path.join(tempDir(), "k.db");
    const k = await fileKairos(file, { leaderLeaseMs: LEASE_MS });
    k.define("tick", () => "ok");
    await k.schedules.create({
      name: "tick",
      fn: "tick",
      every: EVERY_MS,
      overlap: "allow_all", // a catch-up of several slots in one tick fires them all
      catchup: "all",
    });
    const skipped = collect(k, "schedule:skipped");
    const firedHere = collect(k, "schedule:fired");

    const child = await startLeader(file);
    const standby = nextEvent(k, "leader:standby");
    await k.start({ leaderCheckMs: 100 });
    expect(await standby).toMatchObject({ holderPid: child.pid });
    // The child fires; this process only works the jobs.
    await waitFor(
      async () => (await k.jobs.list({ fn: "tick", state: "succeeded" })).length >= 3,
      "3 slots fired by the child and worked here",
    );
    expect(k.leadership().isLeader).toBe(false);
    expect(firedHere).toEqual([]);

    const elected = nextEvent(k, "leader:elected", () => true, 15_000);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    await elected;
    await waitFor(
      () => firedHere.filter((e) => !e.catchUp).length >= 3,
      "3 on-time slots fired here after the takeover",
    );
    await k.stop({ drainMs: 5_000 });

    const reader = await fileKairos(file);
    const slots = (await reader.jobs.list({ fn: "tick", limit: 10_000 }))
      .map((j) => Number(j.origin.key))
      .sort((x, y) => x - y);
    expect(new Set(slots).size).toBe(slots.length);
    const first = slots[0]!;
    expect(slots).toEqual(slots.map((_, i) => first + i * EVERY_MS)); // no slot lost
    expect(firedHere.some((e) => e.catchUp)).toBe(true); // the downtime was caught up here
    expect(skipped).toEqual([]);
    const history = await reader.schedules.history("tick");
    expect(history.filter((h) => h.kind === "skipped" || h.kind === "missed")).toEqual([]);
  }, 60_000);
});
