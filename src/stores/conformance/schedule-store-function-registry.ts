/**
 * @module stores/conformance/schedule-store-function-registry
 * Conformance of the function registry (ports/function-registry) an adapter offers beside its
 * ScheduleStore: `define` registrations never overwrite a declared function and are taken over
 * by apply; presence rows are replaced per instance, bounded by `since`, expired by heartbeats
 * and removed at a clean stop.
 */
import { describe, expect, it } from "vitest";
import type { FunctionRegistryStore } from "../../ports/function-registry.js";
import { T0, type ScheduleSuiteContext } from "./schedule-store-fixtures.js";

const spec = (maxAttempts: number): string => JSON.stringify({ options: { maxAttempts } });

function registryOf(ctx: ScheduleSuiteContext): FunctionRegistryStore {
  const registry = ctx.schedules().functionRegistry;
  if (!registry) throw new Error("the adapter offers no function registry");
  return registry;
}

/** Declare the function registry tests. */
export function defineFunctionRegistryTests(ctx: ScheduleSuiteContext): void {
  describe("function registry", () => {
    it("registers defined functions with source define, replacing only define registrations", async () => {
      const store = ctx.schedules();
      const registry = registryOf(ctx);
      await store.applyPlan(
        [
          {
            op: "upsert_function",
            fn: { name: "declared", kind: "http", specJson: spec(2), source: "config" },
          },
        ],
        T0,
      );
      await registry.registerDefined(
        [
          { name: "declared", kind: "inline", specJson: spec(9) },
          { name: "mine", kind: "inline", specJson: spec(5) },
        ],
        T0 + 1,
      );
      await registry.registerDefined([{ name: "mine", kind: "inline", specJson: spec(6) }], T0 + 2);
      expect(await store.getFunction("declared")).toMatchObject({
        kind: "http",
        specJson: spec(2),
        source: "config",
      });
      expect(await store.getFunction("mine")).toMatchObject({
        kind: "inline",
        specJson: spec(6),
        source: "define",
        createdAt: T0 + 1,
        updatedAt: T0 + 2,
      });
      // apply takes a define registration over.
      await store.applyPlan(
        [
          {
            op: "upsert_function",
            fn: { name: "mine", kind: "module", specJson: spec(1), source: "config" },
          },
        ],
        T0 + 3,
      );
      expect(await store.getFunction("mine")).toMatchObject({ kind: "module", source: "config" });
    });

    it("replaces an instance's presence, bounds reads by since, expires and removes rows", async () => {
      const registry = registryOf(ctx);
      await registry.heartbeat(
        "a",
        [
          { fn: "f", unavailable: null },
          { fn: "g", unavailable: "cannot import ./g.js" },
        ],
        T0,
        T0 - 30_000,
      );
      await registry.heartbeat("b", [{ fn: "f", unavailable: null }], T0 + 10, T0 - 30_000);
      expect(await registry.liveWorkers(T0)).toEqual([
        { fn: "f", instance: "a", unavailable: null, lastSeenAt: T0 },
        { fn: "f", instance: "b", unavailable: null, lastSeenAt: T0 + 10 },
        { fn: "g", instance: "a", unavailable: "cannot import ./g.js", lastSeenAt: T0 },
      ]);
      expect(await registry.liveWorkers(T0 + 1, "f")).toEqual([
        { fn: "f", instance: "b", unavailable: null, lastSeenAt: T0 + 10 },
      ]);
      // a's next heartbeat reports only f: g is gone.
      await registry.heartbeat("a", [{ fn: "f", unavailable: null }], T0 + 20, T0 - 30_000);
      expect(await registry.liveWorkers(T0, "g")).toEqual([]);
      // b's heartbeat much later expires a's rows even for a reader with an old bound.
      await registry.heartbeat("b", [{ fn: "f", unavailable: null }], T0 + 60_000, T0 + 30_000);
      expect((await registry.liveWorkers(0)).map((w) => w.instance)).toEqual(["b"]);
      await registry.removeInstance("b");
      expect(await registry.liveWorkers(0)).toEqual([]);
    });
  });
}
