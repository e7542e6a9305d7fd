/**
 * @module stores/postgres/schedules/postgres-schedule-store
 * The PostgreSQL ScheduleStore: composes the statement families of this directory (one file
 * each), guards against use after close, and turns unexpected PostgreSQL failures into
 * StoreError.
 *
 * It shares the PgDatabase (pool and schema) of the PostgresJobStore (see `openPostgresStores`),
 * so a fire inserts its job through the job store's insert path in the same transaction that
 * moves the cursor. It owns the `schedule` origin kind: its constructor registers the
 * `schedule` completion hook (`completion.ts`) with the schema's PgCompletionHooks, whose
 * stages the job store runs in the statement that finalizes or cancels a schedule's job. The
 * job store owns the pool: once it is closed, every method here throws ShuttingDownError too.
 *
 * Atomicity: `fireSlot`, `fireSlots` (a savepoint per slot) and `applyPlan` are one
 * transaction each; a pause (`setEnabled`) is one transaction (it cancels pre-fired jobs); a
 * resume and `recordError` one statement each (a data-modifying CTE); reads are single statements.
 * Several processes may use one schema at once: `fireSlot` serialises on the schedule row
 * (compare-and-set on the cursor under `FOR UPDATE`) and the unique (origin_kind, origin_id,
 * origin_key) index makes a second job for a slot impossible.
 *
 * Clock: as for jobs, the caller's `now` is authoritative; the database clock is never used for
 * schedule times.
 */
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
import type { PgCompletionHooks } from "../completion-hooks.js";
import { type PgDatabase, toStoreError } from "../database.js";
import { migrate } from "../migrate.js";
import { applyPlan } from "./apply-plan.js";
import { registerScheduleCompletion } from "./completion.js";
import { fireSlot, fireSlots } from "./fire-slot.js";
import { getFunction, listFunctions } from "./functions.js";
import { PostgresFunctionRegistryStore } from "../function-registry.js";
import { PostgresInstanceStore } from "../instances.js";
import { listHistory } from "./history.js";
import { deleteScheduleHistory } from "./history-retention.js";
import {
  activeJobs,
  dueSchedules,
  earliestDueAt,
  listSchedules,
  scheduleById,
  scheduleByName,
  schedulesWithBufferedSlots,
} from "./read-schedules.js";
import { recordError } from "./record-error.js";
import { setEnabledIn } from "./set-enabled.js";
import { checkLead } from "../../schedule-prefire.js";

/** A ScheduleStore over a PgDatabase migrated to version 2 or later. Does not own the pool. */
export class PostgresScheduleStore implements ScheduleStore {
  readonly #db: PgDatabase;
  #closed = false;
  /** Defined functions and worker presence, on the same pool. */
  readonly functionRegistry: PostgresFunctionRegistryStore;
  /** The live processes of the deployment, on the same pool. */
  readonly instances: PostgresInstanceStore;

  /**
   * `hooks`: the completion hooks of the schema, shared with its PostgresJobStore; this store
   * registers its `schedule` hook there (once per registry).
   */
  constructor(db: PgDatabase, hooks: PgCompletionHooks) {
    this.#db = db;
    registerScheduleCompletion(hooks);
    this.functionRegistry = new PostgresFunctionRegistryStore(db);
    this.instances = new PostgresInstanceStore(db);
  }

  async migrate(): Promise<void> {
    return this.#run("migrate", () => migrate(this.#db));
  }

  async listSchedules(filter?: {
    readonly source?: ObjectSource;
    readonly fn?: string;
  }): Promise<StoredSchedule[]> {
    return this.#run("listSchedules", () => listSchedules(this.#db.pool, this.#db.s, filter));
  }

  async getSchedule(name: string): Promise<StoredSchedule | null> {
    return this.#run("getSchedule", () => scheduleByName(this.#db.pool, this.#db.s, name));
  }

  async getScheduleById(id: string): Promise<StoredSchedule | null> {
    return this.#run("getScheduleById", () => scheduleById(this.#db.pool, this.#db.s, id));
  }

  async listFunctions(): Promise<StoredFunction[]> {
    return this.#run("listFunctions", () => listFunctions(this.#db.pool, this.#db.s));
  }

  async getFunction(name: string): Promise<StoredFunction | null> {
    return this.#run("getFunction", () => getFunction(this.#db.pool, this.#db.s, name));
  }

  async applyPlan(changes: readonly PlanChange[], now: number): Promise<ApplyPlanOutcome> {
    return this.#run("applyPlan", () => applyPlan(this.#db, changes, now));
  }

  async setEnabled(
    name: string,
    enabled: boolean,
    note: string | null,
    now: number,
    cursor?: ScheduleRuntimeInit,
  ): Promise<SetEnabledOutcome | null> {
    return this.#run("setEnabled", () => setEnabledIn(this.#db, name, enabled, note, now, cursor));
  }

  async dueSchedules(now: number, limit: number, leadMs?: number): Promise<StoredSchedule[]> {
    return this.#run("dueSchedules", () =>
      dueSchedules(this.#db.pool, this.#db.s, now, limit, checkLead(leadMs)),
    );
  }

  async nextDueAt(leadMs?: number): Promise<number | null> {
    return this.#run("nextDueAt", () =>
      earliestDueAt(this.#db.pool, this.#db.s, checkLead(leadMs)),
    );
  }

  async schedulesWithBufferedSlots(limit: number): Promise<StoredSchedule[]> {
    return this.#run("schedulesWithBufferedSlots", () =>
      schedulesWithBufferedSlots(this.#db.pool, this.#db.s, limit),
    );
  }

  async fireSlot(request: FireSlotRequest): Promise<FireSlotOutcome> {
    return this.#run("fireSlot", () => fireSlot(this.#db, request));
  }

  async fireSlots(requests: readonly FireSlotRequest[]): Promise<FireSlotBatchOutcome[]> {
    return this.#run("fireSlots", () =>
      fireSlots(this.#db, requests, (error) => toStoreError("fireSlots", error, "schedule store")),
    );
  }

  async activeJobs(scheduleId: string): Promise<StoredJob[]> {
    return this.#run("activeJobs", () => activeJobs(this.#db.pool, this.#db.s, scheduleId));
  }

  async recordError(scheduleId: string, message: string, now: number): Promise<void> {
    return this.#run("recordError", () =>
      recordError(this.#db.pool, this.#db.s, scheduleId, message, now),
    );
  }

  async history(scheduleId: string, limit?: number): Promise<ScheduleHistoryEntry[]> {
    return this.#run("history", () => listHistory(this.#db.pool, this.#db.s, scheduleId, limit));
  }

  async deleteScheduleHistory(deletion: HistoryDeletion): Promise<HistoryDeletionOutcome> {
    return this.#run("deleteScheduleHistory", () => deleteScheduleHistory(this.#db, deletion));
  }

  /**
   * Refuse further calls (ShuttingDownError). The pool is left open: it belongs to the job
   * store (or whoever opened it). Idempotent.
   */
  close(): void {
    this.#closed = true;
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    // `db.closed` turns true when the job store sharing the pool closes it.
    if (this.#closed) {
      throw new ShuttingDownError(
        `the PostgreSQL schedule store is closed; ${operation} was called after close()`,
      );
    }
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error, "schedule store");
    }
  }
}
