/**
 * @module runtime/missing-schedule-store
 * The schedule store of an engine whose store has none: every call fails with a NotFoundError
 * saying which store to use instead.
 */
import { NotFoundError } from "../core/errors.js";
import type { ScheduleStore } from "../ports/schedule-store.js";

/** A ScheduleStore whose every method throws NotFoundError. */
export function missingScheduleStore(): ScheduleStore {
  const fail = (): never => {
    throw new NotFoundError("this store has no schedules; open Kairos on an SQLite store URL");
  };
  return new Proxy({} as ScheduleStore, { get: () => fail });
}

/** `store` itself; a NotFoundError when the engine's store has no schedules. */
export function requireScheduleStore(store: ScheduleStore | null): ScheduleStore {
  if (!store) throw new NotFoundError("this store has no schedules; use an SQLite store");
  return store;
}
