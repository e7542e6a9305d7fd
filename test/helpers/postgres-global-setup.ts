/**
 * vitest globalSetup: starts ONE throwaway PostgreSQL server for the whole test run (see
 * `postgres-server.ts`) and hands its URL to every test file through `provide("kairosPg")` and
 * the `KAIROS_TEST_PG_URL` environment variable (for child processes the tests spawn). Tests
 * isolate themselves by schema (`freshSchema()` in `postgres.ts`).
 *
 * No binaries: the PostgreSQL tests are skipped with a loud message, unless
 * `KAIROS_REQUIRE_PG=1` (set by CI), which fails the run instead. `KAIROS_KEEP_PG=1` leaves the
 * server running after the run and prints its URL, to inspect what the tests left behind.
 */
import type { TestProject } from "vitest/node";
import { findPostgresBinaries, INSTALL_HINT, startPostgres } from "./postgres-server.js";

export default async function setup(project: TestProject): Promise<() => void> {
  const bins = findPostgresBinaries();
  if (bins === null) {
    const reason = `PostgreSQL binaries (initdb, pg_ctl) not found: ${INSTALL_HINT}`;
    if (process.env.KAIROS_REQUIRE_PG === "1") {
      throw new Error(`KAIROS_REQUIRE_PG=1 but ${reason}`);
    }
    console.warn(`\n!!! ${reason}. The PostgreSQL store tests are SKIPPED.\n`);
    project.provide("kairosPg", { url: null, version: null, reason });
    return () => {};
  }
  const started = Date.now();
  const server = await startPostgres(bins);
  const onExit = () => server.stop();
  const keep = process.env.KAIROS_KEEP_PG === "1";
  if (!keep) process.once("exit", onExit);
  process.env.KAIROS_TEST_PG_URL = server.url;
  project.provide("kairosPg", { url: server.url, version: server.version, reason: null });
  if (process.env.KAIROS_PG_VERBOSE === "1") {
    console.log(
      `PostgreSQL test server (${server.version}) at ${server.url}, started in ${Date.now() - started} ms`,
    );
  }
  return () => {
    if (keep) {
      console.log(
        `KAIROS_KEEP_PG=1: PostgreSQL test server left running at ${server.url} (data in ${server.dir})`,
      );
      return;
    }
    process.removeListener("exit", onExit);
    server.stop();
  };
}
