/**
 * @module runtime/duties/backend-sync
 * The leader's schedule-backend sync: while this process leads, the backend is brought in line
 * with the store's `config` schedules (ports/schedule-backend `sync`: create, update on drift,
 * prune dropped ones, api entries untouched) at election and then every interval, so an entry
 * edited or deleted by hand in the backend, or a pause made by a process without the backend, is
 * mended. A pass that changes nothing writes nothing. Changes are logged.
 */
import type { Logger } from "../../ports/logger.js";
import type { ScheduleBackend } from "../../ports/schedule-backend.js";
import type { ScheduleStore } from "../../ports/schedule-store.js";
import type { LeaderDuty } from "../leader-duties.js";

/** Default pause between two syncs: 30 s. */
export const BACKEND_SYNC_INTERVAL_MS = 30_000;

/** Create the duty. */
export function createBackendSyncDuty(
  backend: ScheduleBackend,
  store: Pick<ScheduleStore, "listSchedules">,
  logger: Logger,
  intervalMs: number = BACKEND_SYNC_INTERVAL_MS,
): LeaderDuty {
  return {
    name: "backend-sync",
    intervalMs,
    async run(signal) {
      const declared = await store.listSchedules({ source: "config" });
      if (signal.aborted) return;
      const { changes } = await backend.sync(declared);
      for (const change of changes) {
        if (change.op === "unchanged") continue;
        logger.info(
          {
            duty: "backend-sync",
            op: change.op,
            schedule: change.name,
            resource: change.resource,
            fields: change.fields,
          },
          `${backend.location}: ${change.op} ${change.resource}`,
        );
      }
    },
  };
}
