/**
 * The CLI end to end for unknown and broken functions: `enqueue` of an unknown name,
 * `--allow-unknown`, the "waiting" line of `jobs show`, `kairos dev` with broken module
 * functions, `functions list` and the apply warning. Real `kairos` processes in a temp dir.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";
import { runKairos as kairos, startKairos } from "../helpers/cli.js";

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "console.log('hi')"]
    schedules:
      - name: often
        every: 1s
  - name: missing
    kind: module
    file: ./nowhere.mjs
    retries: 3
  - name: throws
    kind: module
    file: ./throws.mjs
  - name: nodefault
    kind: module
    file: ./nodefault.mjs
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
  fs.writeFileSync(path.join(dir, "throws.mjs"), 'throw new Error("boom at import");\n');
  fs.writeFileSync(path.join(dir, "nodefault.mjs"), "export const notAHandler = 1;\n");
});

describe("kairos CLI: unknown functions", () => {
  it("enqueue of an unknown function fails with exit 3 and a hint; --allow-unknown accepts it", async () => {
    const bare = await kairos(dir, ["enqueue", "nosuchfn"]);
    expect(bare.code).toBe(3);
    expect(bare.stderr).toContain('unknown function "nosuchfn"');
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const typo = await kairos(dir, ["enqueue", "helo"]);
    expect(typo.code).toBe(3);
    expect(typo.stderr).toContain('did you mean "hello"?');
    const ok = await kairos(dir, ["enqueue", "nosuchfn", "--allow-unknown", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ fn: "nosuchfn", state: "queued" });
    expect((await kairos(dir, ["enqueue", "hello"])).code).toBe(0);
  }, 60_000);

  it("jobs show says a job waits for a live worker, until a worker defines its function", async () => {
    const enq = await kairos(dir, [
      "enqueue",
      "later",
      "--allow-unknown",
      "--run-at",
      "2099-01-01T00:00:00Z",
      "--json",
    ]);
    const id = (JSON.parse(enq.stdout) as { id: string }).id;
    const before = await kairos(dir, ["jobs", "show", id]);
    expect(before.stdout).toContain(
      "waiting: no live worker defines fn later; start one that does",
    );
    const worker = await fileKairos(path.join(dir, ".kairos", "kairos.db"));
    worker.define("later", () => null);
    await worker.start({ scheduler: false });
    const after = await kairos(dir, ["jobs", "show", id]);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toContain("waiting:");
  }, 60_000);
});

describe("kairos CLI: broken module functions", () => {
  it("apply warns about a missing module file on stderr and still applies", async () => {
    const r = await kairos(dir, ["apply"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: function "missing": module file nowhere\.mjs does not exist/,
    );
    expect(r.stderr).not.toContain('function "throws"');
  }, 60_000);

  it("dev runs the other functions, prints each unavailable one, and fails its jobs at once with the import error", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const jobIds: Record<string, string> = {};
    for (const fn of ["missing", "throws", "nodefault"]) {
      const r = await kairos(dir, ["enqueue", fn, "--json"]);
      expect(r.code).toBe(0);
      jobIds[fn] = (JSON.parse(r.stdout) as { id: string }).id;
    }
    const dev = startKairos(dir, ["dev", "--for", "60s"]);
    try {
      await waitFor(
        () =>
          /succeeded hello job/.test(dev.stdout()) &&
          Object.values(jobIds).every((id) =>
            new RegExp(`failed\\s+\\S+ job ${id}:`).test(dev.stdout()),
          ),
        "dev to run hello and fail the broken functions' jobs",
        45_000,
      );
      const out = dev.stdout();
      expect(out).toMatch(/unavailable missing: module file .*nowhere\.mjs does not exist/);
      expect(out).toMatch(
        /unavailable throws: could not load module .*throws\.mjs: boom at import/,
      );
      expect(out).toMatch(/unavailable nodefault: module .*nodefault\.mjs has no export "default"/);
      const listed = await kairos(dir, ["functions", "list"]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^hello\s+command\s+yaml\s+1\s+ok$/m);
      expect(listed.stdout).toMatch(
        /^missing\s+module\s+yaml\s+1\s+unavailable: module file .*nowhere\.mjs does not exist/m,
      );
      const json = JSON.parse((await kairos(dir, ["functions", "list", "--json"])).stdout) as {
        name: string;
        unavailable: string[];
      }[];
      expect(json.find((f) => f.name === "throws")?.unavailable[0]).toContain("boom at import");
    } finally {
      dev.child.kill("SIGTERM");
    }
    const r = await dev.exited;
    expect(r.code).toBe(0);
    const job = JSON.parse(
      (await kairos(dir, ["jobs", "show", jobIds.missing!, "--json"])).stdout,
    ) as {
      state: string;
      attempt: number;
      maxAttempts: number;
      error: { message: string };
    };
    expect(job).toMatchObject({ state: "failed", attempt: 1, maxAttempts: 4 });
    expect(job.error.message).toMatch(/function "missing" is unavailable: module file/);
    // With no live worker left, functions list says so.
    const after = await kairos(dir, ["functions", "list"]);
    expect(after.stdout).toMatch(/^hello\s+command\s+yaml\s+0\s+no live worker$/m);
  }, 90_000);
});
