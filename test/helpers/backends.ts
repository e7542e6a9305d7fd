/**
 * Suites that run the same cases on both stores: a `Backend` names a store and makes a fresh
 * URL per call, and `engineHarness` opens engines that are stopped after each test.
 */
import path from "node:path";
import { afterEach } from "vitest";
import { createKairos, type CreateKairosOptions, type Kairos } from "../../src/index.js";
import { tempDir } from "./kairos.js";
import { freshSchema, pgUrl } from "./postgres.js";

/** A store to run a suite against: `url()` is a fresh, empty store each call. */
export interface Backend {
  readonly name: string;
  readonly url: () => string;
}

/** A new SQLite file in a temp dir per call. */
export const sqliteFile: Backend = {
  name: "sqlite",
  url: () => `sqlite:${path.join(tempDir(), "kairos.db")}`,
};

/** A new schema of the test PostgreSQL server per call (use inside `describePg`). */
export const postgresSchema: Backend = {
  name: "postgres",
  url: () => `${pgUrl().replace(/^postgresql:/, "postgres:")}?schema=${freshSchema()}`,
};

/** Registers an afterEach that stops every engine the returned function opened. */
export function engineHarness(): (url: string, options?: CreateKairosOptions) => Promise<Kairos> {
  const open: Kairos[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
  });
  return async (url, options = {}) => {
    const k = await createKairos({ store: url, ...options });
    open.push(k);
    return k;
  };
}
