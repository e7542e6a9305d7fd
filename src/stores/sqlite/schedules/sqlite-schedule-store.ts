/**
 * @module stores/sqlite/schedules/sqlite-schedule-store
 * The SQLite ScheduleStore: composes the statement families of this directory, guards against
 * use after close, and turns unexpected SQLite failures into StoreError.
 *
 * It shares its better-sqlite3 connection with the SqliteJobStore (see `openSqliteStores`), so
 * a fire inserts its job in the same transaction that moves the cursor. It owns the `schedule`
 * origin kind: its constructor registers the `schedule` completion hook (`completion.ts`) with
 * the connection's CompletionHooks, which the job store runs inside the finalization or cancel
 * that finishes a schedule's job. The job store owns the connection: once it is closed, every
 * method here throws ShuttingDownError too.
 *
 * better-sqlite3 is synchronous: every method runs to completion before it returns its promise,
 * and each write method is one `BEGIN IMMEDIATE` transaction. Clock: as for jobs, the caller's
 * `now` is authoritative; SQLite's clock is never used for schedule times.
 */
import type Database from "better-sqlite3";
import { ShuttingDownError } from "../../../core/errors.js";
import type { StoredJob } from "../../../ports/job-store.js";
import type {
  ApplyPlanOutcome,
  FireSlotBatchOutcome,
  FireSlotOutcome,
  FireSlotRequest,
  HistoryDeletion,
  HistoryDeletionOutcome,
  ObjectSource,
  PlanChange,
  ScheduleHistoryEntry,
  ScheduleRuntimeInit,
  ScheduleStore,
  SetEnabledOutcome,
  StoredFunction,
  StoredSchedule,
} from "../../../ports/schedule-store.js";
import type { CompletionHooks } from "../completion-hooks.js";
import { migrate } from "../migrate.js";
import { toStoreError } from "../sqlite-job-store.js";
import { prepareApplyPlan } from "./apply-plan.js";
import { registerScheduleCompletion } from "./completion.js";
import { prepareFireSlot } from "./fire-slot.js";
import { prepareFunctions } from "./functions.js";
import { SqliteFunctionRegistryStore } from "../function-registry.js";
import { SqliteInstanceStore } from "../instances.js";
import { prepareHistory } from "./history.js";
import { prepareHistoryRetention } from "./history-retention.js";
import { prepareScheduleReads } from "./read-schedules.js";
import { prepareRecordError } from "./record-error.js";
import { prepareSetEnabled } from "./set-enabled.js";
import { checkLead } from "../../schedule-prefire.js";

/**
 * A ScheduleStore over an open, migrated better-sqlite3 connection (migration 2 or later). The
 * constructor prepares every statement once; it does not take ownership of the connection.
 */
export class SqliteScheduleStore implements ScheduleStore {
  readonly #db: Database.Database;
  #closed = false;
  readonly #reads: ReturnType<typeof prepareScheduleReads>;
  readonly #functions: ReturnType<typeof prepareFunctions>;
  readonly #history: ReturnType<typeof prepareHistory>;
  readonly #historyRetention: ReturnType<typeof prepareHistoryRetention>;
  readonly #applyPlan: ReturnType<typeof prepareApplyPlan>;
  readonly #setEnabled: ReturnType<typeof prepareSetEnabled>;
  readonly #fireSlot: ReturnType<typeof prepareFireSlot>;
  readonly #recordError: ReturnType<typeof prepareRecordError>;
  /** Defined functions and worker presence, on the same connection. */
  readonly functionRegistry: SqliteFunctionRegistryStore;
  /** The live processes of the deployment, on the same connection. */
  readonly instances: SqliteInstanceStore;

  /**
   * `hooks`: the completion hooks of the connection, shared with its SqliteJobStore; this
   * store registers its `schedule` hook there (once per connection).
   */
  constructor(db: Database.Database, hooks: CompletionHooks) {
    this.#db = db;
    registerScheduleCompletion(db, hooks);
    this.#reads = prepareScheduleReads(db);
    this.#functions = prepareFunctions(db);
    this.#history = prepareHistory(db);
    this.#historyRetention = prepareHistoryRetention(db);
    this.#applyPlan = prepareApplyPlan(db);
    this.#setEnabled = prepareSetEnabled(db);
    this.#fireSlot = prepareFireSlot(db);
    this.#recordError = prepareRecordError(db);
    this.functionRegistry = new SqliteFunctionRegistryStore(db);
    this.instances = new SqliteInstanceStore(db);
  }

  async migrate(): Promise<void> {
    this.#run("migrate", () => migrate(this.#db));
  }

  async listSchedules(filter?: {
    readonly source?: ObjectSource;
    readonly fn?: string;
  }): Promise<StoredSchedule[]> {
    return this.#run("listSchedules", () => this.#reads.list(filter));
  }

  async getSchedule(name: string): Promise<StoredSchedule | null> {
    return this.#run("getSchedule", () => this.#reads.byName(name));
  }

  async getScheduleById(id: string): Promise<StoredSchedule | null> {
    return this.#run("getScheduleById", () => this.#reads.byId(id));
  }

  async listFunctions(): Promise<StoredFunction[]> {
    return this.#run("listFunctions", () => this.#functions.list());
  }

  async getFunction(name: string): Promise<StoredFunction | null> {
    return this.#run("getFunction", () => this.#functions.get(name));
  }

  async applyPlan(changes: readonly PlanChange[], now: number): Promise<ApplyPlanOutcome> {
    return this.#run("applyPlan", () => this.#applyPlan(changes, now));
  }

  async setEnabled(
    name: string,
    enabled: boolean,
    note: string | null,
    now: number,
    cursor?: ScheduleRuntimeInit,
  ): Promise<SetEnabledOutcome | null> {
    return this.#run("setEnabled", () => this.#setEnabled(name, enabled, note, now, cursor));
  }

  async dueSchedules(now: number, limit: number, leadMs?: number): Promise<StoredSchedule[]> {
    return this.#run("dueSchedules", () => this.#reads.due(now, limit, checkLead(leadMs)));
  }

  async nextDueAt(leadMs?: number): Promise<number | null> {
    return this.#run("nextDueAt", () => this.#reads.nextDueAt(checkLead(leadMs)));
  }

  async schedulesWithBufferedSlots(limit: number): Promise<StoredSchedule[]> {
    return this.#run("schedulesWithBufferedSlots", () => this.#reads.withBufferedSlots(limit));
  }

  async fireSlot(request: FireSlotRequest): Promise<FireSlotOutcome> {
    return this.#run("fireSlot", () => this.#fireSlot(request));
  }

  async fireSlots(requests: readonly FireSlotRequest[]): Promise<FireSlotBatchOutcome[]> {
    return this.#run("fireSlots", () => this.#fireSlot.many(requests));
  }

  async activeJobs(scheduleId: string): Promise<StoredJob[]> {
    return this.#run("activeJobs", () => this.#reads.activeJobs(scheduleId));
  }

  async recordError(scheduleId: string, message: string, now: number): Promise<void> {
    this.#run("recordError", () => this.#recordError(scheduleId, message, now));
  }

  async history(scheduleId: string, limit?: number): Promise<ScheduleHistoryEntry[]> {
    return this.#run("history", () => this.#history.list(scheduleId, limit));
  }

  async deleteScheduleHistory(deletion: HistoryDeletion): Promise<HistoryDeletionOutcome> {
    return this.#run("deleteScheduleHistory", () => this.#historyRetention(deletion));
  }

  /**
   * Refuse further calls (ShuttingDownError). The connection is left open: it belongs to the
   * job store (or whoever opened it). Idempotent.
   */
  close(): void {
    this.#closed = true;
  }

  #run<T>(operation: string, body: () => T): T {
    // `db.open` turns false when the job store sharing the connection closes it.
    if (this.#closed || !this.#db.open) {
      throw new ShuttingDownError(
        `the SQLite schedule store is closed; ${operation} was called after close()`,
      );
    }
    try {
      return body();
    } catch (error) {
      throw toStoreError(operation, error, "schedule store", this.#db.name);
    }
  }
}
