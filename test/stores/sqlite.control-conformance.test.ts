/** Runs the ControlStore conformance suite against the SQLite adapter, in memory and on a file. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { defineControlStoreConformance } from "../../src/stores/conformance/control-store.js";
import { defineRunControlConformance } from "../../src/stores/conformance/run-control-store.js";
import { openSqliteStores } from "../../src/stores/sqlite/index.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

defineControlStoreConformance("sqlite memory", async () => {
  const s = await openSqliteStores({ path: ":memory:" });
  return { jobs: s.jobs, control: s.control, close: () => s.close() };
});
defineControlStoreConformance("sqlite file", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-control-"));
  dirs.push(dir);
  const s = await openSqliteStores({ path: path.join(dir, "kairos.db") });
  return { jobs: s.jobs, control: s.control, close: () => s.close() };
});
defineRunControlConformance("sqlite memory", async () => {
  const s = await openSqliteStores({ path: ":memory:" });
  return { workflows: s.workflows, control: s.control, close: () => s.close() };
});
