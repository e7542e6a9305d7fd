/**
 * ExclusiveClaim (runtime/exec, `kairos exec`): a job store seen through one job. Its claim
 * takes only the target job, by id, once due here; nothing while it runs; a retried attempt is
 * stored due a hold after its backoff while this view claims it when the backoff ends; with
 * `maxClaims: 1` (one attempt per pod) nothing after the first; a job another process cancelled
 * is reported unclaimable. Time is the `now` argument: no clock, no sleeping.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExclusiveClaim } from "../../src/runtime/exec/exclusive-claim.js";
import type { ClaimRequest, JobStore } from "../../src/ports/job-store.js";
import { openStore } from "../../src/stores/open-store.js";
import { T0, enqueueOne } from "../../src/stores/conformance/job-store-fixtures.js";

const HOLD = 30_000;
const BOOM = { name: "Error", message: "boom" };

let store: JobStore;
beforeEach(async () => {
  store = await openStore("sqlite::memory:");
});
afterEach(async () => {
  await store.close();
});

const request = (now: number): ClaimRequest => ({
  workerId: "exec-1",
  fns: ["email"],
  limit: 5,
  now,
  leaseMs: 10_000,
});

describe("ExclusiveClaim", () => {
  it("claims only its target, by id, before it is due for anyone else, and once", async () => {
    const exclusive = new ExclusiveClaim({ holdMs: HOLD });
    const unclaimable: string[] = [];
    exclusive.onUnclaimable = (id) => unclaimable.push(id);
    const view = exclusive.wrap(store);
    const other = await enqueueOne(store, { runAt: T0 });
    const mine = await enqueueOne(store, { runAt: exclusive.heldUntil(T0) });
    expect(await view.claim(request(T0))).toEqual([]); // no target yet
    expect(await view.nextRunAt(["email"])).toBeNull();

    exclusive.target(mine.id, T0);
    expect(await view.nextRunAt(["email"])).toBe(T0);
    const [claimed, ...rest] = await view.claim(request(T0));
    expect(rest).toEqual([]);
    expect(claimed).toMatchObject({ id: mine.id, state: "running", attempt: 1 });
    // While it runs: nothing more to claim or wait for here (and it is not lost to this view).
    expect(await view.claim(request(T0 + 1))).toEqual([]);
    expect(await view.nextRunAt(["email"])).toBeNull();
    expect(unclaimable).toEqual([]);
    // The other due job is still there for the workers that claim it.
    expect((await store.get(other.id))?.state).toBe("queued");
  });

  it("holds a retried attempt a hold past its backoff and claims it when the backoff ends", async () => {
    const exclusive = new ExclusiveClaim({ holdMs: HOLD });
    const view = exclusive.wrap(store);
    const job = await enqueueOne(store, { runAt: exclusive.heldUntil(T0) });
    exclusive.target(job.id, T0);
    const [first] = await view.claim(request(T0));
    const applied = await view.finalize(
      [
        {
          jobId: job.id,
          leaseToken: first!.leaseToken,
          outcome: { kind: "retrying", error: BOOM, runAt: T0 + 500 },
        },
      ],
      T0 + 10,
    );
    expect(applied).toEqual([true]);
    // Stored due a hold later, so no other worker's claim takes it first...
    expect((await store.get(job.id))?.runAt).toBe(T0 + 500 + HOLD);
    expect(await store.claim(request(T0 + 500))).toEqual([]);
    // ...while this view wakes and claims it when the backoff ends.
    expect(await view.nextRunAt(["email"])).toBe(T0 + 500);
    expect(await view.claim(request(T0 + 499))).toEqual([]);
    const [second] = await view.claim(request(T0 + 500));
    expect(second).toMatchObject({ id: job.id, attempt: 2, runAt: T0 + 500 });
  });

  it("with maxClaims 1 makes one attempt: nothing to claim after it", async () => {
    const exclusive = new ExclusiveClaim({ holdMs: HOLD, maxClaims: 1 });
    const view = exclusive.wrap(store);
    const job = await enqueueOne(store, { runAt: T0 });
    exclusive.target(job.id, T0);
    const [first] = await view.claim(request(T0));
    await view.finalize(
      [
        {
          jobId: job.id,
          leaseToken: first!.leaseToken,
          outcome: { kind: "retrying", error: BOOM, runAt: T0 + 500 },
        },
      ],
      T0 + 10,
    );
    expect(await view.nextRunAt(["email"])).toBeNull();
    expect(await view.claim(request(T0 + 1_000))).toEqual([]);
    expect((await store.get(job.id))?.state).toBe("retrying");
  });

  it("reports a target another process cancelled as unclaimable", async () => {
    const exclusive = new ExclusiveClaim({ holdMs: HOLD });
    const seen: string[] = [];
    exclusive.onUnclaimable = (id) => seen.push(id);
    const view = exclusive.wrap(store);
    const job = await enqueueOne(store, { runAt: exclusive.heldUntil(T0) });
    await store.cancel(job.id, T0);
    exclusive.target(job.id, T0);
    expect(await view.claim(request(T0))).toEqual([]);
    expect(seen).toEqual([job.id]);
    expect(await view.nextRunAt(["email"])).toBeNull();
  });
});
