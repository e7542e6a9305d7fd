/**
 * @module ports/instance-store
 * The store port for the live processes of a deployment: one row per started engine (its
 * worker id), written by the engine itself on every heartbeat, so any replica (or the CLI) can
 * tell who leads and when each leader duty last ran.
 *
 * Rules every adapter keeps:
 * - `upsert` replaces the instance's row by the given record and deletes every row, of any
 *   instance, whose heartbeat is older than `expireBefore`. One transaction.
 * - `remove` deletes the instance's row (a clean stop); removing a missing row is no error.
 * - `list` returns every row, by instance id; liveness is the reader's business (it knows the
 *   TTL and the clock).
 * - Time is given by the caller; the store never reads a clock.
 */

/** One leader duty as an instance reports it. */
export interface InstanceDuty {
  readonly name: string;
  /** When the duty's last run ended here, ms since epoch (null: it has not run here). */
  readonly lastRunAt: number | null;
  /** The last run's error message, null when it succeeded. */
  readonly lastError: string | null;
}

/** One process as stored. */
export interface InstanceRecord {
  /** The engine's worker id. */
  readonly instance: string;
  readonly host: string;
  readonly pid: number;
  /** The Kairos version the process runs. */
  readonly version: string;
  /** When the engine started, ms since epoch. */
  readonly startedAt: number;
  /** Its last report, ms since epoch. */
  readonly heartbeatAt: number;
  /** Whether it led at its last report. */
  readonly leader: boolean;
  /** Its leader duties (empty when it never led). */
  readonly duties: readonly InstanceDuty[];
  /** Worker slots (null: it runs no workers). */
  readonly slots: number | null;
  /** Jobs running in it at its last report (null: it runs no workers). */
  readonly running: number | null;
  /** The functions it defines, by name. */
  readonly functions: readonly string[];
}

/** The instance table of a store (same database as the schedule store). */
export interface InstanceStore {
  /** Replace `record.instance`'s row; drop rows whose heartbeat is older than `expireBefore`. */
  upsert(record: InstanceRecord, expireBefore: number): Promise<void>;
  /** Delete the instance's row (a clean stop). */
  remove(instance: string): Promise<void>;
  /** Every row, by instance id. */
  list(): Promise<InstanceRecord[]>;
}
