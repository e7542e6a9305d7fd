/**
 * A fault-injecting store: wraps a JobStore or ScheduleStore so that, while `faults.failing`
 * is set, every write throws an SQLITE_FULL-like error (reads keep working, as on a full disk).
 */
import {
  createKairos,
  openStores,
  type CreateKairosOptions,
  type Kairos,
} from "../../src/index.js";
import { afterEach } from "vitest";

/** The switch shared by the wrapped stores. */
export interface Faults {
  failing: boolean;
  /** Writes refused so far. */
  refused: number;
}

/** Methods that only read: they keep working while `failing` is set. */
const READS = /^(get|list|next|due|active|schedulesWith|changeToken|count|read|find|stats)/;

/** The error SQLite throws when the disk is full. */
export function diskFullError(): Error {
  return Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
}

/** `store` whose writes throw `diskFullError()` while `faults.failing` is set. */
export function faultyStore<T extends object>(store: T, faults: Faults): T {
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (READS.test(prop) || prop === "close" || prop === "onChange") return method.bind(target);
      return (...args: unknown[]) => {
        if (faults.failing) {
          faults.refused++;
          return Promise.reject(diskFullError());
        }
        return method.apply(target, args);
      };
    },
  });
}

const open: Kairos[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

/** An engine on a fresh in-memory store whose writes fail while `faults.failing` is set. */
export async function faultyKairos(
  options: Omit<CreateKairosOptions, "store" | "scheduleStore"> = {},
): Promise<{ kairos: Kairos; faults: Faults }> {
  const faults: Faults = { failing: false, refused: 0 };
  const stores = await openStores("sqlite::memory:");
  const kairos = await createKairos({
    ...options,
    store: faultyStore(stores.jobs, faults),
    ...(stores.schedules ? { scheduleStore: faultyStore(stores.schedules, faults) } : {}),
  });
  open.push(kairos);
  return { kairos, faults };
}
