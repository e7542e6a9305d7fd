/**
 * `kairos.schedules.fire` on both stores: what a Kubernetes CronJob's trigger container does.
 * One job per slot however often (and however concurrently) it is fired; the overlap policy,
 * history and events are the scheduler loop's; slots the cluster did not fire are missed.
 * No workers run, so a fired job stays active (queued).
 */
import { describe, expect, it } from "vitest";
import { k8sName } from "../../src/core/k8s/names.js";
import { ConflictError, NotFoundError, ValidationError } from "../../src/index.js";
import type { Kairos, ScheduleInput } from "../../src/index.js";
import { engineHarness, postgresSchema, sqliteFile, type Backend } from "../helpers/backends.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { describePg } from "../helpers/postgres.js";
import { jobsOf, T0 } from "./helpers.js";

const engine = engineHarness();
const MIN = 60_000;

/** An engine on a manual clock at T0 with an every-minute schedule "s" (cursor T0 + 1 min). */
async function withSchedule(url: string, input: Partial<ScheduleInput> = {}) {
  const clock = new ManualClock(T0);
  const kairos = await engine(url, { clock });
  await kairos.schedules.create({
    allowUnknown: true,
    name: "s",
    fn: "work",
    every: "1m",
    ...input,
  });
  return { kairos, clock };
}

const slot = (k: number) => new Date(T0 + k * MIN);

function suite(backend: Backend): void {
  it("the same slot fired twice creates one job; the second answer is existing", async () => {
    const { kairos, clock } = await withSchedule(backend.url());
    clock.set(T0 + MIN + 5_000);
    const first = await kairos.schedules.fire("s", { slotAt: slot(1) });
    expect(first).toMatchObject({ slotAt: slot(1), outcome: "fired" });
    expect(first.jobId).not.toBeNull();
    const jobName = `${k8sName("s")}-${(T0 + MIN) / MIN}`;
    const second = await kairos.schedules.fire("s", { jobName });
    expect(second).toEqual({ slotAt: slot(1), outcome: "existing", jobId: first.jobId });
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
  });

  it("two concurrent fires of one slot (two engines on one store) create one job", async () => {
    const url = backend.url();
    const { kairos, clock } = await withSchedule(url);
    const other = await engine(url, { clock });
    clock.set(T0 + MIN);
    const answers = await Promise.all([
      kairos.schedules.fire("s", { slotAt: slot(1) }),
      other.schedules.fire("s", { slotAt: slot(1) }),
      kairos.schedules.fire("s", { slotAt: slot(1) }),
    ]);
    const jobs = await jobsOf(kairos, "work");
    expect(jobs).toHaveLength(1);
    expect(answers.map((a) => a.outcome).sort()).toEqual(["existing", "existing", "fired"]);
    expect(new Set(answers.map((a) => a.jobId))).toEqual(new Set([jobs[0]!.id]));
  });

  it("overlap skip: a slot fired while the previous job is active is skipped and recorded", async () => {
    const { kairos, clock } = await withSchedule(backend.url());
    const skipped: unknown[] = [];
    kairos.on("schedule:skipped", (e) => skipped.push([e.slotAt, e.reason]));
    clock.set(T0 + 2 * MIN);
    const first = await kairos.schedules.fire("s", { slotAt: slot(1) });
    const second = await kairos.schedules.fire("s", { slotAt: slot(2) });
    expect(second).toEqual({ slotAt: slot(2), outcome: "skipped", jobId: null });
    expect(skipped).toEqual([[T0 + 2 * MIN, "overlap"]]);
    const history = await kairos.schedules.history("s");
    expect(history.find((h) => h.slotAt === T0 + 2 * MIN)).toMatchObject({
      kind: "skipped",
      reason: "overlap",
    });
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
    // Fired again, the slot answers what was recorded.
    expect(await kairos.schedules.fire("s", { slotAt: slot(2) })).toMatchObject({
      outcome: "skipped",
    });
    expect(first.outcome).toBe("fired");
  });

  it("slots between the cursor and the fired one are recorded missed, never fired", async () => {
    const { kairos, clock } = await withSchedule(backend.url(), { catchup: "all" });
    const missed: number[] = [];
    kairos.on("schedule:missed", (e) => missed.push(e.slotAt));
    clock.set(T0 + 4 * MIN);
    const answer = await kairos.schedules.fire("s", { slotAt: slot(4) });
    expect(answer.outcome).toBe("fired");
    expect(missed).toEqual([T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
    const history = await kairos.schedules.history("s");
    expect(
      history
        .filter((h) => h.kind === "missed")
        .map((h) => h.slotAt)
        .sort(),
    ).toEqual([T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
    const jobs = await jobsOf(kairos, "work");
    expect(jobs).toHaveLength(1);
    expect((await kairos.schedules.get("s"))!.nextFireAt).toEqual(slot(5));
    // A missed slot fired late answers missed and creates nothing.
    expect(await kairos.schedules.fire("s", { slotAt: slot(2) })).toEqual({
      slotAt: slot(2),
      outcome: "missed",
      jobId: null,
    });
    expect(await jobsOf(kairos, "work")).toHaveLength(1);
  });

  it("refuses a Job of another CronJob, a paused schedule and an unknown one", async () => {
    const { kairos, clock } = await withSchedule(backend.url());
    clock.set(T0 + MIN);
    await expect(
      kairos.schedules.fire("s", { jobName: `other-${(T0 + MIN) / MIN}` }),
    ).rejects.toThrow(ValidationError);
    await kairos.schedules.pause("s");
    await expect(kairos.schedules.fire("s", { slotAt: slot(1) })).rejects.toThrow(ConflictError);
    await expect(kairos.schedules.fire("nope", { slotAt: slot(1) })).rejects.toThrow(NotFoundError);
    expect(await jobsOf(kairos, "work")).toHaveLength(0);
  });

  it("buffer_one: a slot fired while a job is active is buffered", async () => {
    const { kairos, clock } = await withSchedule(backend.url(), { overlap: "buffer_one" });
    clock.set(T0 + 2 * MIN);
    await kairos.schedules.fire("s", { slotAt: slot(1) });
    expect(await kairos.schedules.fire("s", { slotAt: slot(2) })).toMatchObject({
      outcome: "buffered",
      jobId: null,
    });
  });
}

describe("schedules.fire (sqlite)", () => suite(sqliteFile));
describePg("schedules.fire (postgres)", () => suite(postgresSchema));

export type { Kairos };
