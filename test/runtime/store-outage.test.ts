/**
 * A store that stops accepting writes (disk full) and comes back: the engine says so once
 * per failing operation (`store:error`), says when it works again (`store:recovered`), keeps
 * reporting each failure as `worker:error`, and loses no job.
 */
import { describe, expect, it } from "vitest";
import { collect, waitFor } from "../helpers/async.js";
import { faultyKairos } from "../helpers/fault-store.js";

describe("store outage", () => {
  it("emits store:error once per failing operation, store:recovered when writes work again, and loses no job", async () => {
    const { kairos, faults } = await faultyKairos();
    kairos.define("work", (p: { n: number }) => p.n * 2);
    const jobs = await kairos.enqueueMany("work", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const storeErrors = collect(kairos, "store:error");
    const recovered = collect(kairos, "store:recovered");
    const workerErrors = collect(kairos, "worker:error");
    const succeeded = collect(kairos, "job:succeeded");

    faults.failing = true;
    await kairos.start({ pollIntervalMs: 20 });
    await waitFor(
      () => workerErrors.filter((e) => e.where === "claim").length >= 3,
      "three failed claims",
    );
    expect(storeErrors.filter((e) => e.where === "claim")).toHaveLength(1);
    expect(storeErrors.find((e) => e.where === "claim")).toMatchObject({
      error: { code: "SQLITE_FULL" },
    });
    expect(recovered).toEqual([]);
    expect(succeeded).toEqual([]);

    faults.failing = false;
    await waitFor(() => succeeded.length === 3, "every job to succeed");
    const claim = recovered.find((e) => e.where === "claim");
    expect(claim).toBeDefined();
    expect(claim!.failures).toBeGreaterThanOrEqual(3);
    expect(claim!.downForMs).toBeGreaterThanOrEqual(0);
    for (const job of jobs) {
      expect(await kairos.jobs.get(job.id)).toMatchObject({ state: "succeeded" });
    }
  });

  it("reports a failing scheduler fire as store:error and its recovery", async () => {
    const { kairos, faults } = await faultyKairos();
    kairos.define("tick", () => "ok");
    const storeErrors = collect(kairos, "store:error");
    const recovered = collect(kairos, "store:recovered");
    const fired = collect(kairos, "schedule:fired");
    await kairos.schedules.create({ name: "often", fn: "tick", every: "1s" });
    faults.failing = true;
    await kairos.start({ workers: false, scheduler: { pollIntervalMs: 20 } });
    await waitFor(() => storeErrors.some((e) => e.where === "fireSlots"), "fireSlots failing");
    faults.failing = false;
    await waitFor(() => fired.length > 0, "a fire once writes work", 5_000);
    await waitFor(() => recovered.some((e) => e.where === "fireSlots"), "fireSlots recovered");
  });
});
