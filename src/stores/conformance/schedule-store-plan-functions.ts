/**
 * @module stores/conformance/schedule-store-plan-functions
 * Conformance of `ScheduleStore.applyPlan` for functions (upsert keeps createdAt, delete, the
 * reads), and the all-or-nothing rule: a mixed plan applies in order, and a plan that fails at
 * any change leaves the store exactly as it was.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../../core/errors.js";
import type { StoredFunction } from "../../ports/schedule-store.js";
import { expectKairosError } from "./job-store-fixtures.js";
import {
  MINUTE,
  T0,
  createSchedule,
  cursorAt,
  declaration,
  fireNext,
  snapshot,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";

type FunctionInput = Omit<StoredFunction, "createdAt" | "updatedAt">;

const httpFn: FunctionInput = {
  name: "report",
  kind: "http",
  specJson: '{"url":"https://example.test/report"}',
  source: "config",
};

export function definePlanFunctionTests(ctx: ScheduleSuiteContext): void {
  describe("applyPlan: functions", () => {
    it("upserts functions (createdAt kept on update) and lists them by name", async () => {
      const store = ctx.schedules();
      await store.applyPlan(
        [
          { op: "upsert_function", fn: httpFn },
          {
            op: "upsert_function",
            fn: { name: "backup", kind: "command", specJson: '{"argv":["tar"]}', source: "api" },
          },
        ],
        T0,
      );
      expect(await store.getFunction("report")).toEqual({
        ...httpFn,
        createdAt: T0,
        updatedAt: T0,
      });
      expect((await store.listFunctions()).map((f) => f.name)).toEqual(["backup", "report"]);

      const changed: FunctionInput = { ...httpFn, kind: "module", specJson: '{"file":"r.js"}' };
      await store.applyPlan([{ op: "upsert_function", fn: changed }], T0 + 10);
      expect(await store.getFunction("report")).toEqual({
        ...changed,
        createdAt: T0,
        updatedAt: T0 + 10,
      });
      expect(await store.getFunction("nope")).toBeNull();
    });

    it("deletes a function, and throws NotFoundError for a missing one", async () => {
      const store = ctx.schedules();
      await store.applyPlan([{ op: "upsert_function", fn: httpFn }], T0);
      await store.applyPlan([{ op: "delete_function", name: "report" }], T0 + 1);
      expect(await store.listFunctions()).toEqual([]);
      await expectKairosError(
        store.applyPlan([{ op: "delete_function", name: "report" }], T0 + 2),
        NotFoundError,
        "NOT_FOUND",
      );
    });
  });

  describe("applyPlan: all or nothing", () => {
    it("applies a mixed plan in order", async () => {
      const store = ctx.schedules();
      await createSchedule(store, { name: "old" });
      await store.applyPlan(
        [
          { op: "upsert_function", fn: httpFn },
          { op: "create_schedule", schedule: declaration({ name: "new" }), initial: cursorAt(T0) },
          { op: "update_schedule", name: "new", fields: { jitterMs: 7 } },
          { op: "delete_schedule", name: "old" },
        ],
        T0 + 1,
      );
      expect((await store.listSchedules()).map((s) => [s.name, s.jitterMs])).toEqual([["new", 7]]);
      expect((await store.listFunctions()).map((f) => f.name)).toEqual(["report"]);
    });

    const failingThirdChanges = [
      {
        why: "a create of an existing name (ConflictError)",
        change: {
          op: "create_schedule",
          schedule: declaration({ name: "keep" }),
          initial: cursorAt(T0),
        },
        error: ConflictError,
        code: "CONFLICT",
      },
      {
        why: "an update of a missing name (NotFoundError)",
        change: { op: "update_schedule", name: "ghost", fields: { jitterMs: 1 } },
        error: NotFoundError,
        code: "NOT_FOUND",
      },
      {
        why: "a delete of a missing name (NotFoundError)",
        change: { op: "delete_schedule", name: "ghost" },
        error: NotFoundError,
        code: "NOT_FOUND",
      },
      {
        why: "an invalid field (ValidationError)",
        change: { op: "update_schedule", name: "keep", fields: { overlap: "whenever" as never } },
        error: ValidationError,
        code: "VALIDATION",
      },
    ] as const;

    for (const { why, change, error, code } of failingThirdChanges) {
      it(`leaves the store exactly as it was when the 3rd change is ${why}`, async () => {
        const store = ctx.schedules();
        await createSchedule(store, { name: "keep" });
        await createSchedule(store, { name: "gone-if-applied" });
        await store.applyPlan([{ op: "upsert_function", fn: httpFn }], T0);
        await fireNext(store, "keep");
        const before = await snapshot(store);

        await expectKairosError(
          store.applyPlan(
            [
              { op: "update_schedule", name: "keep", fields: { jitterMs: 999, enabled: false } },
              { op: "delete_schedule", name: "gone-if-applied" },
              change,
              { op: "upsert_function", fn: { ...httpFn, name: "late" } },
            ],
            T0 + 10 * MINUTE,
          ),
          error,
          code,
        );
        expect(await snapshot(store)).toEqual(before);
      });
    }

    it("accepts an empty plan", async () => {
      const store = ctx.schedules();
      await store.applyPlan([], T0);
      expect(await snapshot(store)).toEqual({ schedules: [], functions: [], history: [] });
    });
  });
}
