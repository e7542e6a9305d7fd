/**
 * @module stores/postgres/instances
 * The PostgreSQL InstanceStore (ports/instance-store): the live processes of the deployment
 * (`instances`, migration 12). Shares the PgDatabase of the other stores; an upsert and its
 * expiry are one transaction, the other calls one statement each.
 */
import type { InstanceRecord, InstanceStore } from "../../ports/instance-store.js";
import { instanceParams, toInstanceRecord, type InstanceRow } from "../instance-row.js";
import { exec, type PgDatabase, toStoreError } from "./database.js";

/** An InstanceStore over a PgDatabase migrated to version 12 or later. */
export class PostgresInstanceStore implements InstanceStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async upsert(record: InstanceRecord, expireBefore: number): Promise<void> {
    const { s } = this.#db;
    await this.#run("upsertInstance", () =>
      this.#db.transaction(async (client) => {
        // Contract: inputs one instance's columns; inserts or replaces its row (primary key).
        await exec(
          client,
          `INSERT INTO ${s}.instances (instance, host, pid, version, started_at, heartbeat_at,
             leader, duties, slots, running, functions)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (instance) DO UPDATE SET host = excluded.host, pid = excluded.pid,
             version = excluded.version, started_at = excluded.started_at,
             heartbeat_at = excluded.heartbeat_at, leader = excluded.leader,
             duties = excluded.duties, slots = excluded.slots, running = excluded.running,
             functions = excluded.functions`,
          instanceParams(record),
        );
        // Contract: input a cutoff; deletes every row whose heartbeat is older (heartbeat index).
        await exec(client, `DELETE FROM ${s}.instances WHERE heartbeat_at < $1`, [expireBefore]);
      }),
    );
  }

  async remove(instance: string): Promise<void> {
    // Contract: input an instance; deletes its row (primary key).
    await this.#run("removeInstance", () =>
      exec(this.#db.pool, `DELETE FROM ${this.#db.s}.instances WHERE instance = $1`, [instance]),
    );
  }

  async list(): Promise<InstanceRecord[]> {
    // Contract: every row by instance id (a handful of rows).
    const { rows } = await this.#run("listInstances", () =>
      exec<InstanceRow>(
        this.#db.pool,
        `SELECT instance, host, pid, version, started_at, heartbeat_at, leader, duties, slots,
                running, functions FROM ${this.#db.s}.instances ORDER BY instance`,
        [],
      ),
    );
    return rows.map(toInstanceRecord);
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error, "instances");
    }
  }
}
