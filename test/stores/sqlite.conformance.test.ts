/**
 * Runs the JobStore conformance suite against the SQLite adapter: once in memory (the fast
 * path every test uses) and once on a file in a fresh temp directory per test (WAL mode, the
 * real on-disk layout).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";
import { defineJobStoreConformance } from "../../src/stores/conformance/job-store-suite.js";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";

defineJobStoreConformance("sqlite memory", () => openSqliteJobStore({ path: ":memory:" }));

const tempDirs: string[] = [];

defineJobStoreConformance("sqlite file", () => {
  // A new directory per test keeps every test's database isolated.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-"));
  tempDirs.push(dir);
  return openSqliteJobStore({ path: path.join(dir, "kairos.db") });
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
