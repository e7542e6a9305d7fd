/**
 * Runs the ScheduleStore conformance suite against the SQLite adapter (job and schedule stores
 * on one connection): once in memory and once on a file in a fresh temp directory per test.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";
import { defineScheduleStoreConformance } from "../../src/stores/conformance/schedule-store-suite.js";
import { openSqliteStores } from "../../src/stores/sqlite/index.js";

defineScheduleStoreConformance("sqlite memory", () => openSqliteStores({ path: ":memory:" }));

const tempDirs: string[] = [];

defineScheduleStoreConformance("sqlite file", () => {
  // A new directory per test keeps every test's database isolated.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-schedules-"));
  tempDirs.push(dir);
  return openSqliteStores({ path: path.join(dir, "kairos.db") });
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
