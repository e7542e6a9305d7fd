/**
 * `kairos dev` and a second Ctrl-C: the running command's whole process tree is killed and its
 * job is handed back to the queue before the process exits (not left `running` until its lease
 * expires, with an orphaned grandchild).
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { waitFor } from "../helpers/async.js";
import { kairosArgv } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";
import { openStores } from "../../src/index.js";

const run = promisify(execFile);

// A command that starts a long-lived grandchild in its process group, writes the grandchild's
// pid to the file named by the payload, and then waits forever.
const CHILD = [
  "const cp = require('node:child_process');",
  "const fs = require('node:fs');",
  "const g = cp.spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
  "fs.writeFileSync(JSON.parse(process.env.KAIROS_PAYLOAD).pidFile, String(g.pid));",
  "setInterval(() => {}, 1000);",
].join(" ");

const CONFIG = `
functions:
  - name: long
    kind: command
    command: ["node", "-e", ${JSON.stringify(CHILD)}]
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("kairos dev, second Ctrl-C", () => {
  it("kills the running command's process tree, hands its job back in the store, then exits and says so", async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
    const pidFile = path.join(dir, "grandchild.pid");
    const env = { ...process.env, KAIROS_STORE: "" };
    const dev = spawn(process.execPath, kairosArgv(["dev", "--drain", "60s"]), {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    dev.stdout.on("data", (d: Buffer) => (out += d.toString()));
    dev.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => dev.on("exit", (code) => resolve(code)));
    let grandchild = 0;
    try {
      await waitFor(() => /kairos dev: running/.test(out), "dev running", 30_000);
      const enqueued = await run(
        process.execPath,
        kairosArgv(["enqueue", "long", "--payload", JSON.stringify({ pidFile })]),
        { cwd: dir, env },
      );
      expect(enqueued.stdout).toBeTruthy();
      await waitFor(
        () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").length > 0,
        "the grandchild's pid",
        30_000,
      );
      grandchild = Number(fs.readFileSync(pidFile, "utf8"));
      expect(alive(grandchild)).toBe(true);

      dev.kill("SIGINT");
      await waitFor(() => /draining/.test(out), "draining", 30_000);
      dev.kill("SIGINT");
      const code = await exited;

      expect(out).toMatch(/second Ctrl-C: killed 1 running job's processes, handed 1 job back/);
      expect(code).not.toBeNull();
      await waitFor(() => !alive(grandchild), "the grandchild gone", 10_000);
      const stores = await openStores(`sqlite:${path.join(dir, ".kairos", "kairos.db")}`);
      try {
        const jobs = await stores.jobs.list({ fn: "long" });
        expect(jobs.map((j) => j.state)).toEqual(["queued"]);
      } finally {
        await stores.close();
      }
    } finally {
      if (dev.exitCode === null) dev.kill("SIGKILL");
      if (grandchild > 0 && alive(grandchild)) process.kill(grandchild, "SIGKILL");
    }
  }, 90_000);
});
