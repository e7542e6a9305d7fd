import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.js";
import { k8sName } from "../k8s/names.js";
import {
  FIRE_MAX_AHEAD_MS,
  outcomeOfStatus,
  planFire,
  recordedOutcome,
  resolveFireSlot,
} from "./plan-fire.js";
import type { TickSchedule } from "./plan-tick.js";
import type { ScheduleTiming } from "./types.js";

const at = (iso: string) => Date.parse(iso);
const minutesOf = (iso: string) => at(iso) / 60_000;
const NOW = at("2026-12-04T12:00:00Z");

describe("resolveFireSlot", () => {
  const berlin: ScheduleTiming = { kind: "cron", cron: "30 9 * * *", timezone: "Europe/Berlin" };

  it("reads the slot from a Job name and keeps it when it is a slot (cron in its timezone)", () => {
    // 09:30 in Berlin in winter is 08:30Z.
    const jobName = `${k8sName("daily")}-${minutesOf("2026-12-04T08:30:00Z")}`;
    expect(resolveFireSlot({ name: "daily", timing: berlin }, { jobName }, NOW)).toBe(
      at("2026-12-04T08:30:00Z"),
    );
  });

  it("rounds down to the latest cron slot at or before the instant, in the schedule's timezone", () => {
    const s = { name: "daily", timing: berlin };
    expect(resolveFireSlot(s, { slotAt: at("2026-12-04T08:47:00Z") }, NOW)).toBe(
      at("2026-12-04T08:30:00Z"),
    );
    expect(resolveFireSlot(s, { slotAt: at("2026-12-04T08:29:00Z") }, NOW)).toBe(
      at("2026-12-03T08:30:00Z"),
    );
    // Summer time: 09:30 in Berlin is 07:30Z.
    expect(resolveFireSlot(s, { slotAt: at("2026-07-01T07:45:00Z") }, NOW)).toBe(
      at("2026-07-01T07:30:00Z"),
    );
  });

  it("rounds down to an every slot", () => {
    const s = { name: "quarter", timing: { kind: "every", everyMs: 900_000 } as const };
    expect(resolveFireSlot(s, { slotAt: at("2026-12-04T10:07:00Z") }, NOW)).toBe(
      at("2026-12-04T10:00:00Z"),
    );
  });

  it("maps an instant at or after a one-shot to it; before it there is no slot", () => {
    const once = at("2026-12-04T10:00:00Z");
    const s = { name: "once", timing: { kind: "at", at: once } as const };
    expect(resolveFireSlot(s, { slotAt: once + 30_000 }, NOW)).toBe(once);
    expect(() => resolveFireSlot(s, { slotAt: once - 60_000 }, NOW)).toThrow(/no slot/);
  });

  it("refuses a slot more than 5 minutes after the server's clock, saying clock skew", () => {
    const s = { name: "minutely", timing: { kind: "every", everyMs: 60_000 } as const };
    expect(resolveFireSlot(s, { slotAt: NOW + FIRE_MAX_AHEAD_MS }, NOW)).toBe(
      NOW + FIRE_MAX_AHEAD_MS,
    );
    const call = () => resolveFireSlot(s, { slotAt: NOW + FIRE_MAX_AHEAD_MS + 60_000 }, NOW);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/clock skew/);
  });

  it("refuses a Job name of another schedule's CronJob", () => {
    const s = { name: "daily", timing: berlin };
    expect(() => resolveFireSlot(s, { jobName: "weekly-29412360" }, NOW)).toThrow(
      /expected "daily-</,
    );
  });
});

describe("planFire", () => {
  const T = at("2026-12-04T10:00:00Z");
  const schedule: TickSchedule = {
    id: "7",
    timing: { kind: "every", everyMs: 60_000 },
    overlap: "skip",
    bufferLimit: 10,
    catchup: "all",
    catchupWindowMs: 3_600_000,
    jitterMs: 0,
    nextSlotAt: T,
    nextDueAt: T,
    bufferedSlots: [],
  };

  it("fires only the slot, records the slots since the cursor as missed, stamps now", () => {
    const now = T + 200_000;
    const { writes } = planFire(schedule, T + 180_000, [], now);
    expect(writes).toHaveLength(1);
    const [write] = writes;
    expect(write).toMatchObject({
      slotAt: T + 180_000,
      expectedNextSlotAt: T,
      job: "fired",
      status: "fired",
      next: { nextSlotAt: T + 240_000 },
    });
    expect(write!.history.map((h) => [h.kind, h.slotAt, h.reason, h.at])).toEqual([
      ["missed", T, "catchup_skip", now],
      ["missed", T + 60_000, "catchup_skip", now],
      ["missed", T + 120_000, "catchup_skip", now],
      ["fired", T + 180_000, null, now],
    ]);
  });

  it("skips the slot under overlap skip while a job is active", () => {
    const { writes } = planFire(schedule, T, ["job-1"], T);
    expect(writes).toMatchObject([{ slotAt: T, job: null, status: "skipped" }]);
  });

  it("plans nothing for a slot before the cursor (handled already)", () => {
    expect(planFire(schedule, T - 60_000, [], T).writes).toEqual([]);
  });
});

describe("recordedOutcome and outcomeOfStatus", () => {
  const entry = (slotAt: number | null, kind: string, jobId: string | null = null) => ({
    slotAt,
    kind,
    jobId,
  });

  it("answers existing with the slot's job, else what was recorded, else missed", () => {
    const history = [
      entry(3, "completed", "j3"),
      entry(3, "fired", "j3"),
      entry(2, "skipped"),
      entry(1, "buffered"),
      entry(null, "paused"),
    ];
    expect(recordedOutcome(history, 3)).toEqual({ outcome: "existing", jobId: "j3" });
    expect(recordedOutcome(history, 2)).toEqual({ outcome: "skipped", jobId: null });
    expect(recordedOutcome(history, 1)).toEqual({ outcome: "buffered", jobId: null });
    expect(recordedOutcome(history, 0)).toEqual({ outcome: "missed", jobId: null });
  });

  it("a buffered slot that fired later is existing (newest entry first)", () => {
    const history = [entry(1, "fired", "j1"), entry(1, "buffered")];
    expect(recordedOutcome(history, 1)).toEqual({ outcome: "existing", jobId: "j1" });
  });

  it("maps a write's status to the answer", () => {
    expect(outcomeOfStatus("fired", "j")).toEqual({ outcome: "fired", jobId: "j" });
    expect(outcomeOfStatus("buffered", null).outcome).toBe("buffered");
    expect(outcomeOfStatus("skipped", null).outcome).toBe("skipped");
    expect(outcomeOfStatus("error", null).outcome).toBe("skipped");
  });
});
