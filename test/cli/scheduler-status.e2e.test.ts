/**
 * `kairos scheduler status` with the default embedded scheduler, locally and (in cli-remote)
 * through a server: the same line and the same JSON.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runKairos } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

describe("kairos scheduler status", { timeout: 120_000 }, () => {
  it("says the embedded loop fires the schedules, with no entries", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "kairos.yaml"), "functions: []\n");
    const r = await runKairos(dir, ["scheduler", "status"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      "backend: embedded (the leader's scheduler loop fires every slot from the store)",
    );
    const json = await runKairos(dir, ["scheduler", "status", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({
      backend: "embedded",
      location: null,
      allowDynamic: null,
      entries: [],
    });
  });
});
