/**
 * `kairos jobs why ID` end to end: a real `kairos` process in a temp dir says why a job of a
 * declared function with no live worker waits, prints JSON with --json, and exits like
 * `jobs show` for an unknown id.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runKairos as kairos } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "console.log('hi')"]
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

describe("kairos jobs why", () => {
  it("says a job waits for a live worker, in words and as JSON; an unknown id exits like jobs show", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const enq = await kairos(dir, ["enqueue", "hello", "--json"]);
    expect(enq.code).toBe(0);
    const id = (JSON.parse(enq.stdout) as { id: string }).id;

    const text = await kairos(dir, ["jobs", "why", id]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      `job ${id} (hello) is not running: no live worker defines fn hello; start one that does`,
    );
    expect(lines[1]).toBe("  no_live_worker  no live worker defines fn hello; start one that does");

    const json = await kairos(dir, ["jobs", "why", id, "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      jobId: id,
      state: "queued",
      summary: lines[0],
      reasons: [
        { code: "no_live_worker", message: "no live worker defines fn hello; start one that does" },
      ],
    });

    const show = await kairos(dir, ["jobs", "show", "999999"]);
    const why = await kairos(dir, ["jobs", "why", "999999"]);
    expect(show.code).not.toBe(0);
    expect(why.code).toBe(show.code);
    expect(why.stderr).toContain("no job with id 999999");
  }, 60_000);
});
