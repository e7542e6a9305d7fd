/**
 * @module stores/conformance/schedule-store-instances
 * Conformance of the instance table (ports/instance-store) an adapter offers beside its
 * ScheduleStore: an upsert replaces the instance's row (every field round-trips), expires
 * rows whose heartbeat is older than the cutoff, and a clean stop removes the row.
 */
import { describe, expect, it } from "vitest";
import type { InstanceRecord, InstanceStore } from "../../ports/instance-store.js";
import { T0, type ScheduleSuiteContext } from "./schedule-store-fixtures.js";

function instancesOf(ctx: ScheduleSuiteContext): InstanceStore {
  const instances = ctx.schedules().instances;
  if (!instances) throw new Error("the adapter offers no instance table");
  return instances;
}

const record = (instance: string, heartbeatAt: number, more: Partial<InstanceRecord> = {}) =>
  ({
    instance,
    host: "h1",
    pid: 42,
    version: "1.2.3",
    startedAt: T0,
    heartbeatAt,
    leader: false,
    duties: [],
    slots: 10,
    running: 0,
    functions: [],
    ...more,
  }) satisfies InstanceRecord;

/** Declare the instance table tests. */
export function defineInstanceTests(ctx: ScheduleSuiteContext): void {
  describe("instances", () => {
    it("upserts an instance's row with every field, replacing its previous report", async () => {
      const instances = instancesOf(ctx);
      await instances.upsert(record("a", T0), T0 - 60_000);
      const second = record("a", T0 + 10_000, {
        leader: true,
        duties: [
          { name: "scheduler", lastRunAt: T0 + 9_000, lastError: null },
          { name: "retention", lastRunAt: null, lastError: "disk full" },
        ],
        slots: null,
        running: null,
        functions: ["f", "g"],
      });
      await instances.upsert(second, T0 - 60_000);
      await instances.upsert(record("b", T0 + 5_000), T0 - 60_000);
      expect(await instances.list()).toEqual([second, record("b", T0 + 5_000)]);
    });

    it("expires rows whose heartbeat is older than the cutoff and removes one at a clean stop", async () => {
      const instances = instancesOf(ctx);
      await instances.upsert(record("old", T0), T0 - 60_000);
      await instances.upsert(record("kept", T0 + 1_000), T0 - 60_000);
      await instances.upsert(record("new", T0 + 2_000), T0 + 1_000);
      expect((await instances.list()).map((r) => r.instance)).toEqual(["kept", "new"]);
      await instances.remove("new");
      await instances.remove("missing");
      expect((await instances.list()).map((r) => r.instance)).toEqual(["kept"]);
    });
  });
}
