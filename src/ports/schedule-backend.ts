/**
 * @module ports/schedule-backend
 * Where a schedule's timing lives when it is not the engine's own scheduler loop. With no
 * backend (`scheduler.backend: embedded`, the default) the leader's loop fires every slot from
 * the store. With a backend (`kubernetes`: one CronJob per schedule, fired by the cluster's
 * CronJob controller through the fire endpoint) the store still holds every schedule and its
 * history, and the backend holds a copy of each schedule's timing that Kairos keeps in sync.
 *
 * Ownership rules every backend keeps:
 * - `sync` is the only path that removes a `config` (kairos.yaml) schedule's entry, and it never
 *   touches an `api` schedule's entry;
 * - `set` and `remove` of an `api` schedule are refused unless the backend allows dynamic
 *   schedules (K8sDynamicDisabledError naming the setting); `remove` of a `config` schedule's
 *   entry is refused (the file owns it);
 * - listing shows only entries Kairos manages, never unrelated objects beside them.
 */
import type { ScheduleDeclaration } from "../core/schedules/types.js";

/** The kinds of schedule backend besides the embedded loop. */
export type ScheduleBackendKind = "kubernetes";

/** One schedule as its backend holds it. */
export interface BackendEntry {
  /** The Kairos schedule name. */
  readonly name: string;
  /** The backend's name for it (a CronJob name). */
  readonly resource: string;
  readonly fn: string;
  readonly source: "config" | "api";
  /** The timing as the backend fires it (a five-field cron). */
  readonly schedule: string;
  readonly timeZone: string | null;
  readonly suspended: boolean;
  /** The last slot the backend fired (CronJob status.lastScheduleTime), ms; null: never. */
  readonly lastScheduleTime: number | null;
}

/** One change of a sync, or of a `set`. */
export interface BackendChange {
  readonly op: "create" | "update" | "prune" | "unchanged";
  /** The Kairos schedule name. */
  readonly name: string;
  /** The backend's name for it. */
  readonly resource: string;
  /** For `update`: the fields that drifted. */
  readonly fields: readonly string[];
}

/** What a sync did (or, dry, would do), and warnings about what the backend approximates. */
export interface BackendSyncResult {
  readonly changes: readonly BackendChange[];
  readonly warnings: readonly string[];
}

/** A place outside the engine where schedules' timing lives; see the module header. */
export interface ScheduleBackend {
  readonly kind: ScheduleBackendKind;
  /** Where, for messages: "Kubernetes namespace jobs". */
  readonly location: string;
  /** Whether `api` schedules may be created, changed and deleted through the API. */
  readonly allowDynamic: boolean;
  /**
   * Throws (K8sExportError naming each one) when a schedule cannot live in this backend.
   * Called before anything is written, so a refused file or API call changes nothing.
   */
  check(schedules: readonly ScheduleDeclaration[]): void;
  /**
   * Reconcile the backend with the `config` schedules `declared`: create the missing, update
   * the drifted (nothing is written when nothing changed), prune `config` entries no longer
   * declared; `api` entries are left as they are. `dryRun`: plan only, write nothing.
   */
  sync(
    declared: readonly ScheduleDeclaration[],
    options?: { readonly dryRun?: boolean },
  ): Promise<BackendSyncResult>;
  /** Create or update one schedule's entry (an `api` one only when dynamic schedules are allowed). */
  set(schedule: ScheduleDeclaration): Promise<BackendChange>;
  /** Delete an `api` schedule's entry (refused for `config` ones, gated for `api` ones); absent: no-op. */
  remove(name: string): Promise<void>;
  /** Every entry Kairos manages here, by name. */
  list(): Promise<BackendEntry[]>;
  /** The entry of schedule `name`, or null. */
  get(name: string): Promise<BackendEntry | null>;
}
