/**
 * @module stores/conformance/schedule-store-plan
 * Conformance of `ScheduleStore.applyPlan` for schedules, and the reads of declarations:
 * create, update (only the given fields; id and runtime state kept) and delete. Functions and
 * the all-or-nothing rule are in schedule-store-plan-functions.ts.
 */
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../../core/errors.js";
import type { ScheduleDeclaration } from "../../ports/schedule-store.js";
import { expectKairosError } from "./job-store-fixtures.js";
import {
  MINUTE,
  T0,
  createSchedule,
  cursorAt,
  declaration,
  fireNext,
  mustGetSchedule,
  snapshot,
  type ScheduleSuiteContext,
} from "./schedule-store-fixtures.js";

export function definePlanTests(ctx: ScheduleSuiteContext): void {
  describe("applyPlan: create", () => {
    it("stores every declared field, the initial cursor and fresh runtime state", async () => {
      const store = ctx.schedules();
      const decl = declaration({
        name: "hourly-sync",
        fn: "sync",
        timing: { kind: "cron", cron: "0 * * * *", timezone: "Europe/Paris" },
        payloadJson: '{"a":[1,2],"b":"x"}',
        enabled: false,
        pauseNote: "maintenance",
        overlap: "buffer_all",
        bufferLimit: 5,
        catchup: "all",
        catchupWindowMs: 3_600_000,
        jitterMs: 1_500,
        source: "api",
      });
      await store.applyPlan(
        [
          {
            op: "create_schedule",
            schedule: decl,
            initial: { nextSlotAt: T0 + 10, nextDueAt: T0 + 12 },
          },
        ],
        T0,
      );
      const stored = await mustGetSchedule(store, "hourly-sync");
      expect(typeof stored.id).toBe("string");
      expect(stored).toEqual({
        ...decl,
        id: stored.id,
        createdAt: T0,
        updatedAt: T0,
        nextSlotAt: T0 + 10,
        nextDueAt: T0 + 12,
        lastSlotAt: null,
        lastFiredAt: null,
        lastStatus: null,
        lastJobId: null,
        runCount: 0,
        bufferedSlots: [],
        lastError: null,
      });
      expect(await store.getScheduleById(stored.id)).toEqual(stored);
      expect(await store.history(stored.id)).toEqual([]);
    });

    it("round-trips every timing kind, and a schedule that never fires (null cursor)", async () => {
      const store = ctx.schedules();
      const timings: ScheduleDeclaration["timing"][] = [
        { kind: "cron", cron: "*/5 * * * *", timezone: "UTC" },
        { kind: "every", everyMs: 90_000 },
        { kind: "at", at: T0 + 86_400_000 },
      ];
      for (const [i, timing] of timings.entries()) {
        await createSchedule(store, { name: `s${i}`, timing }, cursorAt(i === 2 ? null : T0 + i));
        const stored = await mustGetSchedule(store, `s${i}`);
        expect(stored.timing).toEqual(timing);
        expect(stored.nextSlotAt).toBe(i === 2 ? null : T0 + i);
      }
    });

    it("gives each schedule its own id and lists them by name, filtered by source and fn", async () => {
      const store = ctx.schedules();
      const b = await createSchedule(store, { name: "b", source: "api", fn: "x" });
      const a = await createSchedule(store, { name: "a", source: "config", fn: "x" });
      const c = await createSchedule(store, { name: "c", source: "config", fn: "y" });
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
      expect((await store.listSchedules()).map((s) => s.name)).toEqual(["a", "b", "c"]);
      expect((await store.listSchedules({ source: "config" })).map((s) => s.name)).toEqual([
        "a",
        "c",
      ]);
      expect((await store.listSchedules({ fn: "x" })).map((s) => s.name)).toEqual(["a", "b"]);
      expect((await store.listSchedules({ source: "config", fn: "x" })).map((s) => s.name)).toEqual(
        ["a"],
      );
    });

    it("returns null for unknown names and ids", async () => {
      const store = ctx.schedules();
      expect(await store.getSchedule("nope")).toBeNull();
      expect(await store.getScheduleById("999999")).toBeNull();
      expect(await store.getScheduleById("not-an-id")).toBeNull();
    });

    it("throws ConflictError when the name exists, and writes nothing", async () => {
      const store = ctx.schedules();
      const existing = await createSchedule(store, { name: "dup" });
      const before = await snapshot(store);
      await expectKairosError(
        store.applyPlan(
          [
            {
              op: "create_schedule",
              schedule: declaration({ name: "dup", fn: "other" }),
              initial: cursorAt(T0),
            },
          ],
          T0 + 1,
        ),
        ConflictError,
        "CONFLICT",
      );
      expect(await snapshot(store)).toEqual(before);
      expect((await mustGetSchedule(store, "dup")).id).toBe(existing.id);
    });

    it("rejects an invalid declaration with ValidationError and writes nothing", async () => {
      const store = ctx.schedules();
      const bad = [
        declaration({ name: "" }),
        declaration({ overlap: "sometimes" as never }),
        declaration({ catchup: "never" as never }),
        declaration({ timing: { kind: "every", everyMs: 0 } }),
        declaration({ bufferLimit: -1 }),
        declaration({ payloadJson: "{not json" }),
        declaration({ source: "yaml" as never }),
      ];
      for (const schedule of bad) {
        await expectKairosError(
          store.applyPlan([{ op: "create_schedule", schedule, initial: cursorAt(T0) }], T0),
          ValidationError,
          "VALIDATION",
        );
      }
      expect(await store.listSchedules()).toEqual([]);
    });
  });

  describe("applyPlan: update", () => {
    it("changes only the given fields and keeps id, createdAt, cursor and runtime state", async () => {
      const store = ctx.schedules();
      await createSchedule(store, { name: "s", overlap: "allow_all" });
      const job = await fireNext(store, "s");
      await store.setEnabled("s", true, null, T0 + 2 * MINUTE);
      const before = await mustGetSchedule(store, "s");
      const historyBefore = await store.history(before.id);

      await store.applyPlan(
        [
          {
            op: "update_schedule",
            name: "s",
            fields: { payloadJson: '{"scope":"eu"}', jitterMs: 250, overlap: "buffer_one" },
          },
        ],
        T0 + 5 * MINUTE,
      );
      const after = await mustGetSchedule(store, "s");
      expect(after).toEqual({
        ...before,
        payloadJson: '{"scope":"eu"}',
        jitterMs: 250,
        overlap: "buffer_one",
        updatedAt: T0 + 5 * MINUTE,
      });
      expect(after.lastJobId).toBe(job.id);
      expect(after.runCount).toBe(1);
      expect(await store.history(after.id)).toEqual(historyBefore);
    });

    it("replaces the timing and moves the cursor only when a cursor is given", async () => {
      const store = ctx.schedules();
      const created = await createSchedule(store, {
        name: "s",
        timing: { kind: "cron", cron: "0 3 * * *", timezone: "UTC" },
      });
      await store.applyPlan(
        [
          {
            op: "update_schedule",
            name: "s",
            fields: { timing: { kind: "every", everyMs: 5_000 } },
          },
        ],
        T0 + 1,
      );
      const retimed = await mustGetSchedule(store, "s");
      expect(retimed.timing).toEqual({ kind: "every", everyMs: 5_000 });
      expect(retimed.nextSlotAt).toBe(created.nextSlotAt);

      await store.applyPlan(
        [
          {
            op: "update_schedule",
            name: "s",
            fields: { timing: { kind: "at", at: T0 + 99 } },
            cursor: { nextSlotAt: T0 + 99, nextDueAt: T0 + 100 },
          },
        ],
        T0 + 2,
      );
      expect(await mustGetSchedule(store, "s")).toMatchObject({
        id: created.id,
        timing: { kind: "at", at: T0 + 99 },
        nextSlotAt: T0 + 99,
        nextDueAt: T0 + 100,
        updatedAt: T0 + 2,
      });
    });

    it("throws NotFoundError for a missing name", async () => {
      const store = ctx.schedules();
      await expectKairosError(
        store.applyPlan([{ op: "update_schedule", name: "ghost", fields: { jitterMs: 1 } }], T0),
        NotFoundError,
        "NOT_FOUND",
      );
    });
  });

  describe("applyPlan: delete", () => {
    it("deletes a schedule; its name can be used again, by a new schedule with a new id", async () => {
      const store = ctx.schedules();
      const old = await createSchedule(store, { name: "s" });
      await store.applyPlan([{ op: "delete_schedule", name: "s" }], T0 + 1);
      expect(await store.getSchedule("s")).toBeNull();
      expect(await store.getScheduleById(old.id)).toBeNull();
      expect(await store.listSchedules()).toEqual([]);

      const again = await createSchedule(store, { name: "s" }, cursorAt(T0 + 5), T0 + 2);
      expect(again.id).not.toBe(old.id);
      expect(again.runCount).toBe(0);
    });

    it("throws NotFoundError for a missing name", async () => {
      const store = ctx.schedules();
      await expectKairosError(
        store.applyPlan([{ op: "delete_schedule", name: "ghost" }], T0),
        NotFoundError,
        "NOT_FOUND",
      );
    });
  });
}
