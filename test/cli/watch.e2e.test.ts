/**
 * `kairos jobs watch` and `kairos runs watch` follow the store's event feed from now on, one
 * line per event, until SIGINT (exit 0). Real `kairos` processes in a temp directory.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";
import { runKairos as kairos, startKairos } from "../helpers/cli.js";

const CONFIG = `
functions:
  - { name: hello, kind: command, command: ["node", "-e", "1"] }
  - { name: other, kind: command, command: ["node", "-e", "1"] }
workflows:
  - name: etl
    tasks:
      - { id: extract, fn: hello }
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

/**
 * Run `act` until the watcher prints a line matching `pattern`: a watch starts "from now", so
 * an act before its subscription is in place is not seen; the next one is.
 */
async function actUntilSeen(
  watcher: ReturnType<typeof startKairos>,
  pattern: RegExp,
  act: () => Promise<void>,
): Promise<void> {
  await waitFor(
    async () => {
      if (pattern.test(watcher.stdout())) return true;
      await act();
      return pattern.test(watcher.stdout()) || null;
    },
    `the watcher to print ${pattern}\n${watcher.stdout()}\n${watcher.stderr()}`,
    120_000,
  );
}

describe("kairos jobs watch / runs watch", { timeout: 240_000 }, () => {
  it("jobs watch --fn --json prints one JSON object per event of that function; SIGINT exits 0", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const watcher = startKairos(dir, ["jobs", "watch", "--fn", "hello", "--json"]);
    await actUntilSeen(watcher, /"name":"job:queued"/, async () => {
      expect((await kairos(dir, ["enqueue", "other"])).code).toBe(0);
      expect((await kairos(dir, ["enqueue", "hello"])).code).toBe(0);
    });
    watcher.child.kill("SIGINT");
    const { code, stdout } = await watcher.exited;
    expect(code).toBe(0);
    const events = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { name: string; fn: string; subject: string });
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toMatchObject({ name: "job:queued", fn: "hello" });
  });

  it("jobs watch prints a human line: time, event, job, function, detail", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const watcher = startKairos(dir, ["jobs", "watch"]);
    await actUntilSeen(watcher, /job:queued/, async () => {
      expect((await kairos(dir, ["enqueue", "hello"])).code).toBe(0);
    });
    watcher.child.kill("SIGTERM");
    const { code, stdout } = await watcher.exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} job:queued\s+job \S+ {2}hello {2}run at \d{4}-/m,
    );
  });

  it("runs watch --workflow prints the runs of that workflow", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const watcher = startKairos(dir, ["runs", "watch", "--workflow", "etl"]);
    await actUntilSeen(watcher, /run:created/, async () => {
      expect((await kairos(dir, ["workflows", "trigger", "etl"])).code).toBe(0);
    });
    watcher.child.kill("SIGINT");
    const { code, stdout } = await watcher.exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(/run:created\s+run \S+ {2}etl {2}logical date \d{4}-/);
  });
});
