/**
 * `kairos jobs logs ID [--follow]` end to end: a job of a real `kairos dev` logs a line, waits
 * for a file the test creates, logs another and returns; `--follow` prints the first line,
 * then the second once the file is there, then exits 0 by itself. An unknown id exits 3 like
 * `jobs show`. Also run against a server by `npm run test:cli-remote`.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/async.js";
import { runKairos as kairos, startKairos, startKairosClient } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

const CONFIG = `
functions:
  - { name: chatty, kind: module, file: ./chatty.mjs }
`;

/** Logs, waits for `payload.file`, logs again. */
const HANDLER = `
import fs from "node:fs";
export default async (payload, ctx) => {
  ctx.log("first line");
  while (!fs.existsSync(payload.file)) await new Promise((r) => setTimeout(r, 50));
  ctx.log("second line", "warn");
  return "done";
};
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
  fs.writeFileSync(path.join(dir, "chatty.mjs"), HANDLER);
});

describe("kairos jobs logs", { timeout: 240_000 }, () => {
  it("--follow prints each line as it is written and exits 0 when the job ends", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const release = path.join(dir, "release");
    const enq = await kairos(dir, [
      "enqueue",
      "chatty",
      "--payload",
      JSON.stringify({ file: release }),
      "--json",
    ]);
    expect(enq.code).toBe(0);
    const id = (JSON.parse(enq.stdout) as { id: string }).id;
    const dev = startKairos(dir, ["dev"]);
    try {
      const follow = await startKairosClient(dir, ["jobs", "logs", id, "--follow"]);
      await follow.waitForOutput(/first line/);
      expect(follow.stdout()).not.toContain("second line");
      fs.writeFileSync(release, "");
      const { code, stdout } = await follow.exited;
      expect(code).toBe(0);
      expect(stdout).toMatch(/^\d{4}-\S+Z \[info\] \(attempt 1\) first line$/m);
      expect(stdout).toMatch(/^\d{4}-\S+Z \[warn\] \(attempt 1\) second line$/m);
      expect(stdout.indexOf("first line")).toBeLessThan(stdout.indexOf("second line"));

      const all = await kairos(dir, ["jobs", "logs", id, "--json"]);
      expect(all.code).toBe(0);
      const lines = all.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { message: string });
      expect(lines.map((l) => l.message)).toEqual(["first line", "second line"]);
    } finally {
      dev.child.kill("SIGINT");
      await dev.exited;
    }
  });

  it("--follow of a job that does not run ends cleanly on Ctrl-C (exit 0)", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const enq = await kairos(dir, ["enqueue", "chatty", "--payload", "{}", "--json"]);
    const id = (JSON.parse(enq.stdout) as { id: string }).id;
    const follow = await startKairosClient(dir, ["jobs", "logs", id, "--follow"]);
    await waitFor(() => /Ctrl-C to stop/.test(follow.stderr()), "the follow note", 120_000);
    follow.child.kill("SIGINT");
    const { code, stdout } = await follow.exited;
    expect(code).toBe(0);
    expect(stdout).toBe("");
  });

  it("an unknown id exits 3 with the NOT_FOUND error of jobs show", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const logs = await kairos(dir, ["jobs", "logs", "999999", "--follow"]);
    const show = await kairos(dir, ["jobs", "show", "999999"]);
    expect(logs.code).toBe(3);
    expect(logs.stderr).toBe(show.stderr);
    expect(logs.stderr).toContain("no job with id 999999");
  });
});
