/**
 * Test helpers for the PostgreSQL store. The server is started once per test run by
 * `postgres-global-setup.ts`; each test (or file) isolates itself in its own schema:
 *
 *   describePg("postgres job store", () => {
 *     it("...", async () => {
 *       const stores = await openPostgresStores({ url: pgUrl(), schema: freshSchema() });
 *       ...
 *     });
 *   });
 *
 * Schemas made by `freshSchema()` are dropped after the enclosing `describePg` block (kept when
 * `KAIROS_KEEP_PG=1`, to inspect them). Without PostgreSQL binaries `describePg` skips its block
 * with a loud warning; with `KAIROS_REQUIRE_PG=1` the run fails instead (global setup).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, inject } from "vitest";
import type { ProvidedPostgres } from "./postgres-server.js";

function provided(): ProvidedPostgres {
  let value: ProvidedPostgres | undefined;
  try {
    value = inject("kairosPg");
  } catch {
    value = undefined; // not inside a vitest worker
  }
  if (value !== undefined) return value;
  const url = process.env.KAIROS_TEST_PG_URL;
  return url !== undefined && url !== ""
    ? { url, version: null, reason: null }
    : { url: null, version: null, reason: "the vitest global setup did not provide a server" };
}

/** True when the run has a PostgreSQL server. */
export function pgAvailable(): boolean {
  return provided().url !== null;
}

/** The URL of the run's PostgreSQL server (superuser `postgres`, database `postgres`). */
export function pgUrl(): string {
  const { url, reason } = provided();
  if (url === null) throw new Error(`no PostgreSQL test server: ${reason ?? "unknown reason"}`);
  return url;
}

const created: string[] = [];

/** A new, unused schema name (`kairos_test_<random>`), dropped after the `describePg` block. */
export function freshSchema(): string {
  const schema = `kairos_test_${randomBytes(6).toString("hex")}`;
  created.push(schema);
  return schema;
}

/** Drop the schemas `freshSchema` handed out so far (all their tables, functions, triggers). */
export async function dropFreshSchemas(): Promise<void> {
  if (created.length === 0 || !pgAvailable() || process.env.KAIROS_KEEP_PG === "1") return;
  const schemas = created.splice(0);
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

let warned = false;

/**
 * `describe` for tests that need PostgreSQL: runs them against the run's server and drops their
 * fresh schemas afterwards; without a server, skips them and says so loudly (once per file).
 */
export function describePg(name: string, fn: () => void): void {
  const { url, reason } = provided();
  if (url === null) {
    if (!warned) {
      warned = true;
      console.warn(`\n!!! PostgreSQL tests SKIPPED: ${reason ?? "no server"}\n`);
    }
    describe.skip(name, fn);
    return;
  }
  describe(name, () => {
    afterAll(dropFreshSchemas);
    fn();
  });
}
