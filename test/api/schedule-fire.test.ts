/**
 * POST /api/v1/schedules/{name}/fire: what an exported CronJob's trigger container calls. 201
 * when the slot's job was created, 200 otherwise (the same slot again: `existing`); a bad body
 * is a 400 that says what to send; the route needs a write token.
 */
import { describe, expect, it } from "vitest";
import { k8sName } from "../../src/core/k8s/names.js";
import { apiFixture } from "./fixture.js";

type Answer = { slotAt?: string; outcome?: string; jobId?: string | null };
type ErrBody = { error?: { code?: string; message?: string } };

async function withSchedule() {
  const f = await apiFixture();
  await f.kairos.schedules.create({ name: "minutely", fn: "send-email", every: "1m" });
  const next = (await f.kairos.schedules.get("minutely"))!.nextFireAt!;
  const fire = (body: unknown, token = f.write, name = "minutely") =>
    f.call("POST", `/api/v1/schedules/${name}/fire`, { token, body });
  return { f, next, fire };
}

describe("POST /schedules/{name}/fire", () => {
  it("201 with the job when the slot fires, 200 existing when the same Job fires it again", async () => {
    const { f, next, fire } = await withSchedule();
    const first = await fire({ slotAt: next.toISOString() });
    expect(first.status).toBe(201);
    const created = (await first.json()) as Answer;
    expect(created).toMatchObject({ slotAt: next.toISOString(), outcome: "fired" });
    expect(typeof created.jobId).toBe("string");
    const jobName = `${k8sName("minutely")}-${next.getTime() / 60_000}`;
    const again = await fire({ jobName });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...created, outcome: "existing" });
    expect(await f.kairos.jobs.list({ fn: "send-email" })).toHaveLength(1);
  });

  it("400 with a message saying what to send for a bad body", async () => {
    const { fire } = await withSchedule();
    const cases: [unknown, RegExp][] = [
      [{}, /exactly one of jobName .* or slotAt/],
      [{ jobName: "minutely-1", slotAt: "2026-12-04T10:00:00Z" }, /exactly one of jobName/],
      [{ slotAt: "tomorrow" }, /slotAt must be an ISO-8601 date-time/],
      [{ jobName: "minutely-1", extra: true }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await fire(body);
      const err = (await res.json()) as ErrBody;
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(err.error?.code).toBe("VALIDATION");
      expect(JSON.stringify(err), JSON.stringify(body)).toMatch(message);
    }
  });

  it("refuses a Job of another CronJob naming the expected prefix, a paused and an unknown schedule", async () => {
    const { f, fire } = await withSchedule();
    const wrong = await fire({ jobName: "nightly-29412360" });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as ErrBody).error?.message).toMatch(/expected "minutely-</);
    expect((await fire({ jobName: "x-1" }, f.write, "nope")).status).toBe(404);
    await f.kairos.schedules.pause("minutely");
    const paused = await fire({ slotAt: new Date().toISOString() });
    expect(paused.status).toBe(409);
  });

  it("403 with a read token, 401 without one", async () => {
    const { f, next, fire } = await withSchedule();
    expect((await fire({ slotAt: next.toISOString() }, f.read)).status).toBe(403);
    expect((await fire({ slotAt: next.toISOString() }, null)).status).toBe(401);
    expect(await f.kairos.jobs.list({ fn: "send-email" })).toHaveLength(0);
  });
});
