/**
 * @module stores/open-store
 * Turn a store URL into an opened, migrated JobStore. Accepted: `sqlite:PATH`,
 * `sqlite::memory:`, and a bare path ending in `.db`/`.sqlite`.
 */
import { ValidationError } from "../core/errors.js";
import type { JobStore } from "../ports/job-store.js";
import { openSqliteJobStore, parseSqliteUrl } from "./sqlite/index.js";

/** The default store: an SQLite file under `.kairos/` in the working directory. */
export const DEFAULT_STORE_URL = "sqlite:.kairos/kairos.db";

/** Open the store a URL names; throws ValidationError naming the accepted forms otherwise. */
export async function openStore(url: string = DEFAULT_STORE_URL): Promise<JobStore> {
  const sqlitePath =
    parseSqliteUrl(url) ?? (/\.(db|sqlite3?)$/i.test(url) && !url.includes("://") ? url : null);
  if (sqlitePath !== null) return openSqliteJobStore({ path: sqlitePath });
  throw new ValidationError(
    `unsupported store ${JSON.stringify(url)}: use "sqlite:PATH" (e.g. "sqlite:.kairos/kairos.db") or "sqlite::memory:"`,
  );
}
