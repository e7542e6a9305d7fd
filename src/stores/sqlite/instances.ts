/**
 * @module stores/sqlite/instances
 * The SQLite InstanceStore (ports/instance-store): the live processes of the deployment
 * (`instances`, migration 13). Shares the connection of the other stores; an upsert and its
 * expiry are one `BEGIN IMMEDIATE` transaction.
 */
import type Database from "better-sqlite3";
import { ShuttingDownError } from "../../core/errors.js";
import type { InstanceRecord, InstanceStore } from "../../ports/instance-store.js";
import { instanceParams, toInstanceRecord, type InstanceRow } from "../instance-row.js";
import { toStoreError } from "./sqlite-job-store.js";

type Params = (string | number | null)[];

/** An InstanceStore over an open connection migrated to version 13 or later. */
export class SqliteInstanceStore implements InstanceStore {
  readonly #db: Database.Database;
  readonly #upsert: Database.Transaction<(p: Params, expireBefore: number) => void>;
  readonly #remove: Database.Statement<[string]>;
  readonly #list: Database.Statement<[], InstanceRow>;

  constructor(db: Database.Database) {
    this.#db = db;
    // Contract: inputs one instance's columns; inserts or replaces its row (primary key).
    const put = db.prepare<Params>(
      `INSERT OR REPLACE INTO instances (instance, host, pid, version, started_at, heartbeat_at,
         leader, duties, slots, running, functions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Contract: input a cutoff; deletes every row whose heartbeat is older (heartbeat index).
    const expire = db.prepare<[number]>("DELETE FROM instances WHERE heartbeat_at < ?");
    this.#upsert = db.transaction((p: Params, expireBefore: number) => {
      put.run(...p);
      expire.run(expireBefore);
    });
    // Contract: input an instance; deletes its row (primary key).
    this.#remove = db.prepare<[string]>("DELETE FROM instances WHERE instance = ?");
    // Contract: every row by instance id (a handful of rows; full scan of the primary key).
    this.#list = db.prepare<[], InstanceRow>(
      `SELECT instance, host, pid, version, started_at, heartbeat_at, leader, duties, slots,
              running, functions FROM instances ORDER BY instance`,
    );
  }

  async upsert(record: InstanceRecord, expireBefore: number): Promise<void> {
    const p: Params = instanceParams(record).map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
    this.#run("upsertInstance", () => this.#upsert.immediate(p, expireBefore));
  }

  async remove(instance: string): Promise<void> {
    this.#run("removeInstance", () => this.#remove.run(instance));
  }

  async list(): Promise<InstanceRecord[]> {
    return this.#run("listInstances", () => this.#list.all().map(toInstanceRecord));
  }

  #run<T>(operation: string, body: () => T): T {
    if (!this.#db.open) {
      throw new ShuttingDownError(
        `the SQLite instance table is closed; ${operation} was called after close()`,
      );
    }
    try {
      return body();
    } catch (error) {
      throw toStoreError(operation, error, "instances");
    }
  }
}
