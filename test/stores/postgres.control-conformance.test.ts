/**
 * Runs the ControlStore conformance suite against the PostgreSQL adapter (each test in a fresh
 * schema), plus what only several processes on one schema can show: racing starts from two
 * pools, and the wake-up a start (or a stop of a running job) sends to other processes.
 */
import { afterEach, expect, it } from "vitest";
import { defineControlStoreConformance } from "../../src/stores/conformance/control-store.js";
import { defineRunControlConformance } from "../../src/stores/conformance/run-control-store.js";
import {
  claimOne,
  enqueueMany,
  enqueueOne,
  T0,
} from "../../src/stores/conformance/job-store-fixtures.js";
import { openPostgresStores, type PostgresStores } from "../../src/stores/postgres/index.js";
import { waitFor } from "../helpers/async.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres control store", () => {
  defineControlStoreConformance("postgres", async () => {
    const s = await openPostgresStores({ url: pgUrl(), schema: freshSchema(), poolSize: 2 });
    return { jobs: s.jobs, control: s.control, close: () => s.close() };
  });

  defineRunControlConformance("postgres", async () => {
    const s = await openPostgresStores({ url: pgUrl(), schema: freshSchema(), poolSize: 2 });
    return { workflows: s.workflows, control: s.control, close: () => s.close() };
  });

  let opened: PostgresStores[] = [];
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    opened = [];
  });

  /** `count` opens of one fresh schema: each its own pool and LISTEN connection. */
  async function processes(count: number): Promise<PostgresStores[]> {
    const schema = freshSchema();
    for (let i = 0; i < count; i += 1) {
      opened.push(await openPostgresStores({ url: pgUrl(), schema, poolSize: 4 }));
    }
    return opened;
  }

  it("gives starts racing from two processes on one stopped job one request and generation 2", async () => {
    const [a, b] = await processes(2);
    const jobs = await enqueueMany(a!.jobs, 8);
    for (const job of jobs) await a!.control.stopJob(job.id, "cli", T0 + 1);
    await Promise.all(
      jobs.map(async (job) => {
        const outcomes = await Promise.all([
          a!.control.startJob(job.id, "a", T0 + 2),
          b!.control.startJob(job.id, "b", T0 + 2),
        ]);
        expect(outcomes.filter((o) => o.created)).toHaveLength(1);
        expect(outcomes[0].request.id).toBe(outcomes[1].request.id);
        const starts = (await b!.control.listRequests("job", job.id)).filter(
          (r) => r.kind === "start",
        );
        expect(starts.map((r) => r.generation)).toEqual([2]);
        expect(await a!.control.jobControl(job.id)).toEqual({
          generation: 2,
          checkpointJson: null,
        });
        expect((await b!.jobs.get(job.id))?.state).toBe("queued");
      }),
    );
  });

  it("wakes other processes when a start re-queues a job and when a running job is asked to stop", async () => {
    const [a, b] = await processes(2);
    let calls = 0;
    b!.jobs.onChange(() => {
      calls += 1;
    });
    await b!.jobs.changeToken(); // resolves once the LISTEN connection is up
    const waiting = await enqueueOne(a!.jobs);
    await waitFor(() => calls >= 1, "a notification of the enqueue");
    await a!.control.stopJob(waiting.id, "cli", T0 + 1);
    const beforeStart = calls;
    await a!.control.startJob(waiting.id, "cli", T0 + 2);
    await waitFor(() => calls > beforeStart, "a notification of the start");

    await claimOne(a!.jobs, { now: T0 + 3 });
    const beforeStop = calls;
    const stop = await a!.control.stopJob(waiting.id, "cli", T0 + 4);
    expect(stop.request.status).toBe("pending");
    await waitFor(() => calls > beforeStop, "a notification of the stop of a running job");
  });
});
