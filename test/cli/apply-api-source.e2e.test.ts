/**
 * `kairos apply` never touches a schedule created through the API (source `api`): not when the
 * file declares schedules of the same function, and not with `--prune`. Real `kairos`
 * processes on the default store file of a temp directory; the API side is the library.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createKairos, type Kairos } from "../../src/index.js";
import { kairosArgv } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

const run = promisify(execFile);

async function kairos(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, kairosArgv(args), {
      cwd,
      env: { ...process.env, KAIROS_STORE: "" },
      timeout: 60_000,
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`kairos ${args.join(" ")} exited ${String(e.code)}: ${e.stderr ?? ""}`);
  }
}

const FILE_WITH_TWO = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "console.log('hello')"]
    schedules:
      - name: from-file
        every: 1m
        payload: { from: file }
      - name: nightly
        cron: "0 3 * * *"
`;
const FILE_WITH_ONE = FILE_WITH_TWO.replace(/ {6}- name: nightly[\s\S]*$/, "");

/** The library on the CLI's default store of `dir`; stopped before the CLI runs. */
async function withStore<T>(dir: string, use: (k: Kairos) => Promise<T>): Promise<T> {
  const k = await createKairos({ store: `sqlite:${path.join(dir, ".kairos", "kairos.db")}` });
  try {
    return await use(k);
  } finally {
    await k.stop({ drainMs: 0 });
  }
}

const apiView = (dir: string) =>
  withStore(dir, async (k) => ({
    schedule: await k.schedules.get("adhoc-hello"),
    history: await k.schedules.history("adhoc-hello"),
  }));

describe("kairos apply and api-sourced schedules", () => {
  it("leaves an api schedule of a declared function unchanged, with and without --prune", async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, ".kairos"));
    fs.writeFileSync(path.join(dir, "kairos.yaml"), FILE_WITH_TWO);
    expect((await kairos(dir, ["apply"])).code).toBe(0); // declares fn hello

    await withStore(dir, async (k) => {
      const created = await k.schedules.create({
        name: "adhoc-hello",
        fn: "hello",
        every: "7m",
        payload: { from: "api" },
        overlap: "allow_all",
      });
      expect(created.source).toBe("api");
      await k.schedules.pause("adhoc-hello", "kept by hand"); // state and history to keep
    });
    const before = await apiView(dir);
    expect(before.schedule).toMatchObject({ source: "api", enabled: false, fn: "hello" });

    const apply = await kairos(dir, ["apply"]);
    expect(apply.stdout).not.toMatch(/adhoc-hello/);
    expect(await apiView(dir)).toEqual(before);

    fs.writeFileSync(path.join(dir, "kairos.yaml"), FILE_WITH_ONE);
    const prune = await kairos(dir, ["apply", "--prune"]);
    expect(prune.stdout).toMatch(/prune schedule nightly/); // prune did run
    expect(prune.stdout).not.toMatch(/adhoc-hello/);
    expect(await apiView(dir)).toEqual(before);

    const listed = JSON.parse((await kairos(dir, ["schedules", "list", "--json"])).stdout) as {
      name: string;
      source: string;
    }[];
    expect(listed.map((s) => [s.name, s.source])).toEqual([
      ["adhoc-hello", "api"],
      ["from-file", "config"],
    ]);
  }, 120_000);
});
