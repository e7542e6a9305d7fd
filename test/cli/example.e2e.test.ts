/**
 * `npm run example` (examples/quickstart.ts) keeps to its own store: run beside the quickstart's
 * `.kairos/kairos.db` (where `npm run dev` applied examples/kairos.yaml), it adds no job there
 * and fires none of its schedules.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { createKairos } from "../../src/index.js";
import { tempDir } from "../helpers/kairos.js";

const run = promisify(execFile);
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const quickstart = fileURLToPath(new URL("../../examples/quickstart.ts", import.meta.url));

it("npm run example uses its own store, not the one npm run dev uses", async () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, ".kairos"));
  const devStore = `sqlite:${path.join(dir, ".kairos", "kairos.db")}`;
  const dev = await createKairos({ store: devStore });
  // The dev store's schedule, as `npm run dev` would leave it (its worker is not running here).
  await dev.schedules.create({
    name: "heartbeat-every-1s",
    fn: "heartbeat",
    every: "1s",
    allowUnknown: true,
  });
  await dev.stop();

  const { stdout } = await run(process.execPath, ["--import", tsxLoader, quickstart], {
    cwd: dir,
    timeout: 60_000,
  });
  const after = await createKairos({ store: devStore });
  try {
    expect(await after.jobs.list({})).toEqual([]);
    expect((await after.schedules.get("heartbeat-every-1s"))?.runCount).toBe(0);
  } finally {
    await after.stop();
  }
  expect(stdout).toMatch(/succeeded +flaky/);
  expect(stdout).toMatch(/\.kairos\/example\.db/);
}, 90_000);
