/**
 * @module stores/conformance/schedule-store-apply-source
 * Conformance of the rule "`kairos apply` never touches api-sourced schedules", end to end over
 * a real store: the store keeps each schedule's `source` and reports it in every read (the
 * planner relies on it), and a reconcile plan made from what the store lists — as `kairos
 * apply` makes it, with or without `--prune` — leaves an api schedule exactly as it was:
 * declaration, id, cursor, runtime state and history. Uses the pure planner of core/reconcile
 * with the ports only.
 */
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.js";
import { planReconcile } from "../../core/reconcile/index.js";
import type { DeclaredConfig } from "../../core/reconcile/types.js";
import type { ScheduleDeclaration, ScheduleStore } from "../../ports/schedule-store.js";
import { expectKairosError } from "./job-store-fixtures.js";
import {
  MINUTE,
  T0,
  createSchedule,
  declaration,
  fireNext,
  mustGetSchedule,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";

/** A file that declares one config schedule of `fn` (name, fn, timing and payload stated). */
function fileDeclaring(fields: Partial<ScheduleDeclaration>): DeclaredConfig {
  const decl = declaration({ source: "config", ...fields });
  return {
    functions: [],
    schedules: [
      { declaration: decl, declared: new Set(["name", "fn", "timing", "payloadJson"] as const) },
    ],
  };
}

/** Plan against what the store lists now, then apply: what `kairos apply` does. */
async function apply(store: ScheduleStore, declared: DeclaredConfig, prune: boolean, now: number) {
  const plan = planReconcile({
    declared,
    stored: { schedules: await store.listSchedules(), functions: await store.listFunctions() },
    prune,
    now,
  });
  await store.applyPlan(plan.changes, now);
  return plan;
}

export function defineApplySourceTests(ctx: ScheduleSuiteContext): void {
  describe("apply never touches api-sourced schedules", () => {
    it("keeps the source of each schedule in every read", async () => {
      const store = ctx.schedules();
      await createSchedule(store, { name: "from-api", source: "api" });
      await createSchedule(store, { name: "from-file", source: "config" });
      expect((await mustGetSchedule(store, "from-api")).source).toBe("api");
      const api = await mustGetSchedule(store, "from-api");
      expect((await store.getScheduleById(api.id))!.source).toBe("api");
      expect((await store.listSchedules()).map((s) => [s.name, s.source])).toEqual([
        ["from-api", "api"],
        ["from-file", "config"],
      ]);
      expect((await store.listSchedules({ source: "api" })).map((s) => s.name)).toEqual([
        "from-api",
      ]);
      expect((await store.listSchedules({ source: "config" })).map((s) => s.name)).toEqual([
        "from-file",
      ]);
    });

    for (const prune of [false, true]) {
      it(`a plan from the store's contents leaves an api schedule of the same fn unchanged (prune ${prune})`, async () => {
        const store = ctx.schedules();
        await createSchedule(store, {
          name: "adhoc-report",
          fn: "report",
          payloadJson: '{"scope":"api"}',
          source: "api",
        });
        await fireNext(store, "adhoc-report"); // runtime state and history to keep
        await createSchedule(store, { name: "old-config", fn: "report", source: "config" });
        const before = await mustGetSchedule(store, "adhoc-report");
        const historyBefore = await store.history(before.id);

        const now = T0 + 10 * MINUTE;
        const plan = await apply(
          store,
          fileDeclaring({
            name: "nightly-report",
            fn: "report",
            timing: { kind: "every", everyMs: 5 * MINUTE },
            payloadJson: '{"scope":"config"}',
          }),
          prune,
          now,
        );
        expect(plan.items.filter((i) => i.name === "adhoc-report")).toEqual([]);
        expect(plan.items.find((i) => i.name === "old-config")?.action).toBe(
          prune ? "prune" : "would_prune",
        );
        expect(await store.getSchedule("adhoc-report")).toEqual(before);
        expect(await store.history(before.id)).toEqual(historyBefore);
        expect(await store.getSchedule("old-config")).toEqual(
          prune ? null : expect.objectContaining({ name: "old-config" }),
        );
        expect((await mustGetSchedule(store, "nightly-report")).source).toBe("config");

        // A second apply of the same file changes nothing, and still not the api schedule.
        const again = await apply(
          store,
          fileDeclaring({
            name: "nightly-report",
            fn: "report",
            timing: { kind: "every", everyMs: 5 * MINUTE },
            payloadJson: '{"scope":"config"}',
          }),
          prune,
          now + MINUTE,
        );
        expect(again.changes).toEqual([]);
        expect(await store.getSchedule("adhoc-report")).toEqual(before);
      });
    }

    it("a file that declares the api schedule's name is refused, and nothing is written", async () => {
      const store = ctx.schedules();
      await createSchedule(store, { name: "adhoc-report", fn: "report", source: "api" });
      const before = await store.listSchedules();
      await expectKairosError(
        apply(store, fileDeclaring({ name: "adhoc-report", fn: "other" }), true, T0),
        ValidationError,
        "VALIDATION",
      );
      expect(await store.listSchedules()).toEqual(before);
    });
  });
}
