/**
 * @module stores/sqlite/function-registry
 * The SQLite FunctionRegistryStore (ports/function-registry): functions registered by
 * `define()` (rows of `functions` with source `define`) and worker presence
 * (`function_workers`, migration 8). Shares the connection of the other stores; each write is
 * one `BEGIN IMMEDIATE` transaction.
 */
import type Database from "better-sqlite3";
import { ShuttingDownError } from "../../core/errors.js";
import type {
  DefinedFunction,
  FunctionRegistryStore,
  FunctionWorker,
  PresenceEntry,
} from "../../ports/function-registry.js";
import { functionToParams } from "../schedule-row.js";
import { toFunctionWorker, type FunctionWorkerRow } from "../function-worker-row.js";
import { toStoreError } from "./sqlite-job-store.js";

/** A FunctionRegistryStore over an open connection migrated to version 8 or later. */
export class SqliteFunctionRegistryStore implements FunctionRegistryStore {
  readonly #db: Database.Database;
  readonly #register: Database.Transaction<(fns: readonly DefinedFunction[], now: number) => void>;
  readonly #heartbeat: Database.Transaction<
    (i: string, e: readonly PresenceEntry[], now: number, exp: number) => void
  >;
  readonly #remove: Database.Statement<[string]>;
  readonly #liveAll: Database.Statement<[number], FunctionWorkerRow>;
  readonly #liveOne: Database.Statement<[number, string], FunctionWorkerRow>;

  constructor(db: Database.Database) {
    this.#db = db;
    // Contract: inputs a defined function and now; inserts it with source 'define', or replaces
    // kind and spec of an existing row only while that row's source is 'define' (a declared or
    // api function is never changed). One statement.
    const upsert = db.prepare<{ name: string; kind: string; spec: string; now: number }>(
      `INSERT INTO functions (name, kind, spec, source, created_at, updated_at)
       VALUES (@name, @kind, @spec, 'define', @now, @now)
       ON CONFLICT (name) DO UPDATE
          SET kind = excluded.kind, spec = excluded.spec, updated_at = excluded.updated_at
        WHERE functions.source = 'define'
          AND (functions.kind <> excluded.kind OR functions.spec <> excluded.spec)`,
    );
    this.#register = db.transaction((fns: readonly DefinedFunction[], now: number) => {
      for (const fn of fns) {
        const p = functionToParams({ ...fn, source: "define" });
        upsert.run({ name: p.name, kind: p.kind, spec: p.spec, now });
      }
    });
    // Contract: input an instance; deletes its presence rows (instance index).
    const remove = db.prepare<[string]>("DELETE FROM function_workers WHERE instance = ?");
    // Contract: input a cutoff; deletes every presence row last seen before it (seen index).
    const expire = db.prepare<[number]>("DELETE FROM function_workers WHERE last_seen_at < ?");
    // Contract: inputs one presence row; inserts it (the instance's rows were just deleted).
    const insert = db.prepare<[string, string, string | null, number]>(
      `INSERT OR REPLACE INTO function_workers (fn, instance, unavailable, last_seen_at)
       VALUES (?, ?, ?, ?)`,
    );
    this.#heartbeat = db.transaction(
      (instance: string, entries: readonly PresenceEntry[], now: number, exp: number) => {
        remove.run(instance);
        for (const e of entries) insert.run(e.fn, instance, e.unavailable, now);
        expire.run(exp);
      },
    );
    this.#remove = remove;
    // Contract: input a bound; presence rows seen at or after it, by fn then instance.
    this.#liveAll = db.prepare<[number], FunctionWorkerRow>(
      `SELECT fn, instance, unavailable, last_seen_at FROM function_workers
        WHERE last_seen_at >= ? ORDER BY fn, instance`,
    );
    // Contract: inputs a bound and a function name; its presence rows seen at or after the bound.
    this.#liveOne = db.prepare<[number, string], FunctionWorkerRow>(
      `SELECT fn, instance, unavailable, last_seen_at FROM function_workers
        WHERE last_seen_at >= ? AND fn = ? ORDER BY instance`,
    );
  }

  async registerDefined(fns: readonly DefinedFunction[], now: number): Promise<void> {
    this.#run("registerDefined", () => this.#register.immediate(fns, now));
  }

  async heartbeat(
    instance: string,
    entries: readonly PresenceEntry[],
    now: number,
    expireBefore: number,
  ): Promise<void> {
    this.#run("heartbeat", () => this.#heartbeat.immediate(instance, entries, now, expireBefore));
  }

  async removeInstance(instance: string): Promise<void> {
    this.#run("removeInstance", () => this.#remove.run(instance));
  }

  async liveWorkers(since: number, fn?: string): Promise<FunctionWorker[]> {
    return this.#run("liveWorkers", () =>
      (fn === undefined ? this.#liveAll.all(since) : this.#liveOne.all(since, fn)).map(
        toFunctionWorker,
      ),
    );
  }

  #run<T>(operation: string, body: () => T): T {
    if (!this.#db.open) {
      throw new ShuttingDownError(
        `the SQLite function registry is closed; ${operation} was called after close()`,
      );
    }
    try {
      return body();
    } catch (error) {
      throw toStoreError(operation, error, "function registry");
    }
  }
}
