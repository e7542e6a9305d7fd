/**
 * @module stores/postgres/function-registry
 * The PostgreSQL FunctionRegistryStore (ports/function-registry): functions registered by
 * `define()` (rows of `functions` with source `define`) and worker presence
 * (`function_workers`, migration 7). Shares the PgDatabase of the other stores; `registerDefined`
 * and `heartbeat` are one transaction each, reads one statement.
 */
import type {
  DefinedFunction,
  FunctionRegistryStore,
  FunctionWorker,
  PresenceEntry,
} from "../../ports/function-registry.js";
import { functionToParams } from "../schedule-row.js";
import { toFunctionWorker, type FunctionWorkerRow } from "../function-worker-row.js";
import { exec, type PgDatabase, toStoreError } from "./database.js";

/** A FunctionRegistryStore over a PgDatabase migrated to version 7 or later. */
export class PostgresFunctionRegistryStore implements FunctionRegistryStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async registerDefined(fns: readonly DefinedFunction[], now: number): Promise<void> {
    const { s } = this.#db;
    const params = fns.map((fn) => functionToParams({ ...fn, source: "define" }));
    await this.#run("registerDefined", () =>
      this.#db.transaction(async (client) => {
        for (const p of params) {
          // Contract: inputs a defined function and now; inserts it with source 'define', or
          // replaces kind and spec of an existing row only while its source is 'define' (a
          // declared or api function is never changed). One statement.
          await exec(
            client,
            `INSERT INTO ${s}.functions AS f (name, kind, spec, source, created_at, updated_at)
             VALUES ($1, $2, $3, 'define', $4, $4)
             ON CONFLICT (name) DO UPDATE
                SET kind = excluded.kind, spec = excluded.spec, updated_at = excluded.updated_at
              WHERE f.source = 'define' AND (f.kind <> excluded.kind OR f.spec <> excluded.spec)`,
            [p.name, p.kind, p.spec, now],
          );
        }
      }),
    );
  }

  async heartbeat(
    instance: string,
    entries: readonly PresenceEntry[],
    now: number,
    expireBefore: number,
  ): Promise<void> {
    const { s } = this.#db;
    await this.#run("heartbeat", () =>
      this.#db.transaction(async (client) => {
        // Contract: input an instance; deletes its presence rows.
        await exec(client, `DELETE FROM ${s}.function_workers WHERE instance = $1`, [instance]);
        for (const e of entries) {
          // Contract: inputs one presence row; inserts it (the instance's rows were deleted).
          await exec(
            client,
            `INSERT INTO ${s}.function_workers (fn, instance, unavailable, last_seen_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (fn, instance) DO UPDATE
                SET unavailable = excluded.unavailable, last_seen_at = excluded.last_seen_at`,
            [e.fn, instance, e.unavailable, now],
          );
        }
        // Contract: input a cutoff; deletes every presence row last seen before it.
        await exec(client, `DELETE FROM ${s}.function_workers WHERE last_seen_at < $1`, [
          expireBefore,
        ]);
      }),
    );
  }

  async removeInstance(instance: string): Promise<void> {
    // Contract: input an instance; deletes its presence rows.
    await this.#run("removeInstance", () =>
      exec(this.#db.pool, `DELETE FROM ${this.#db.s}.function_workers WHERE instance = $1`, [
        instance,
      ]),
    );
  }

  async liveWorkers(since: number, fn?: string): Promise<FunctionWorker[]> {
    const { s } = this.#db;
    // Contract: inputs a bound (and a function name); presence rows seen at or after the bound,
    // by fn then instance.
    const { rows } = await this.#run("liveWorkers", () =>
      fn === undefined
        ? exec<FunctionWorkerRow>(
            this.#db.pool,
            `SELECT fn, instance, unavailable, last_seen_at FROM ${s}.function_workers
              WHERE last_seen_at >= $1 ORDER BY fn, instance`,
            [since],
          )
        : exec<FunctionWorkerRow>(
            this.#db.pool,
            `SELECT fn, instance, unavailable, last_seen_at FROM ${s}.function_workers
              WHERE last_seen_at >= $1 AND fn = $2 ORDER BY instance`,
            [since, fn],
          ),
    );
    return rows.map(toFunctionWorker);
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error, "function registry");
    }
  }
}
