/**
 * `kairos instances` end to end: a started engine on the store is listed as the live leader
 * with its duties' last runs (table and --json); before anything started, the table says no
 * process runs. Local and remote mode (in remote mode the server's own engine may be listed
 * too, standing by).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nextEvent } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";
import { runKairos as kairos, remoteMode } from "../helpers/cli.js";
import { ageText } from "../../src/cli/commands/instances.js";

describe("kairos instances", { timeout: 120_000 }, () => {
  it("lists the started engine as the live leader with its duties", async () => {
    const dir = tempDir();
    const store = `sqlite:${path.join(dir, "k.db")}`;
    const engine = await fileKairos(path.join(dir, "k.db"), { workerId: "engine-under-test" });
    engine.define("work", () => "ok");
    if (!remoteMode) {
      const empty = await kairos(dir, ["--store", store, "instances"]);
      expect(empty.code).toBe(0);
      expect(empty.stdout).toContain("no process is running");
    }
    const elected = nextEvent(engine, "leader:elected");
    await engine.start();
    await elected;
    const json = await kairos(dir, ["--store", store, "instances", "--json"]);
    expect(json.code).toBe(0);
    const items = JSON.parse(json.stdout) as { instance: string; leader: boolean }[];
    expect(items[0]).toMatchObject({
      instance: "engine-under-test",
      leader: true,
      live: true,
      pid: process.pid,
      functions: ["work"],
    });
    const text = await kairos(dir, ["--store", store, "instances"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^INSTANCE\s+HOST\/PID\s+LEADER\s+LIVE\s+HEARTBEAT\s+DUTIES/);
    expect(text.stdout).toMatch(
      new RegExp(
        `engine-under-test\\s+\\S+/${process.pid}\\s+yes\\s+yes\\s+\\d+s ago\\s+.*scheduler`,
      ),
    );
  });

  it("writes ages as seconds, minutes, hours, days, or never", () => {
    const now = 10 * 86_400_000;
    expect(
      [now - 4_000, now - 180_000, now - 7_200_000, now - 2 * 86_400_000, null].map((t) =>
        ageText(t, now),
      ),
    ).toEqual(["4s ago", "3m ago", "2h ago", "2d ago", "never"]);
  });
});
