/**
 * What only a PostgreSQL server with several connections shows about the workflow store:
 * maxActiveRuns and the cursor compare-and-set hold across processes, two engines' updateRun
 * of one run serialize, a worker finishing a task's job while an updateRun cancels it ends
 * without a deadlock, and the port's queries use their indexes.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import {
  HOUR,
  T0,
  claimEtl,
  createRun,
  definition,
  mustGetRun,
  newRun,
  putWorkflow,
  queueTask,
  runningRun,
  taskOf,
} from "../../src/stores/conformance/workflow-store-fixtures.js";
import { openPostgresStores, type PostgresStores } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres workflow store across processes", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Open the stores of `schema` as another process would: its own pool. */
  async function open(schema: string): Promise<PostgresStores> {
    const stores = await openPostgresStores({ url: pgUrl(), schema, poolSize: 4 });
    cleanups.push(() => stores.close());
    return stores;
  }

  async function rawClient(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    cleanups.push(() => client.end());
    return client;
  }

  it("starts at most maxActiveRuns runs when two processes start queued runs at once", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    await putWorkflow(a.workflows, { maxActiveRuns: 2 });
    const def = definition({ maxActiveRuns: 2 });
    for (let i = 0; i < 6; i++) await createRun(a.workflows, def, T0 + i * HOUR);
    for (let round = 0; round < 5; round++) {
      const [fromA, fromB] = await Promise.all([
        a.workflows.startQueuedRuns("etl", T0 + round),
        b.workflows.startQueuedRuns("etl", T0 + round),
      ]);
      expect(fromA.length + fromB.length).toBe(round === 0 ? 2 : 0);
    }
    expect(await a.workflows.listRuns({ state: "running" })).toHaveLength(2);
  });

  it("lets exactly one of two processes' scheduled batches from one cursor apply", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    await putWorkflow(a.workflows);
    const request = {
      workflow: "etl",
      expectedLatestLogicalDate: null,
      runs: [{ ...newRun(definition(), T0), runType: "scheduled" as const }],
      skipped: [],
      latestLogicalDate: T0,
      nextRunAfter: T0 + 2 * HOUR,
      now: T0 + HOUR,
    };
    const outcomes = await Promise.all([
      a.workflows.createScheduledRuns(request),
      b.workflows.createScheduledRuns(request),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["applied", "stale"]);
    expect(await a.workflows.listRuns()).toHaveLength(1);
    expect(await a.workflows.workflowHistory("etl")).toHaveLength(1);
  });

  it("serializes two processes' updateRun of one run: each decision sees the other's writes", async () => {
    const schema = freshSchema();
    const a = await open(schema);
    const b = await open(schema);
    await putWorkflow(a.workflows);
    const run = await runningRun(a.workflows, definition(), T0);
    const bump = (stores: PostgresStores, i: number) =>
      stores.workflows.updateRun(
        run.id,
        (snap) => ({ run: { note: String(Number(snap.run.note ?? "0") + 1) }, planned: true }),
        T0 + i,
      );
    const rounds = 10;
    await Promise.all(Array.from({ length: rounds }, (_, i) => [bump(a, i), bump(b, i)]).flat());
    expect((await mustGetRun(a.workflows, run.id)).note).toBe(String(2 * rounds));
  });

  it("plans a run without waiting for the locks of its live jobs (lease renewals go on)", async () => {
    const schema = freshSchema();
    const engine = await open(schema);
    await putWorkflow(engine.workflows);
    const run = await runningRun(engine.workflows, definition(), T0);
    const ctx = {
      workflows: () => engine.workflows,
      jobs: () => engine.jobs,
      schedules: () => engine.schedules,
      close: () => engine.close(),
    };
    const job = await queueTask(ctx, run.id, "extract", T0 + 1);
    await claimEtl(engine.jobs, T0 + 2, job.id);
    // Another connection holds the running job's row (a worker renewing its lease, or
    // finishing it), and keeps holding it while the run is planned.
    const holder = await rawClient();
    await holder.query("BEGIN");
    await holder.query(`SELECT 1 FROM "${schema}".jobs WHERE id = $1 FOR UPDATE`, [job.id]);
    const outcome = await engine.workflows.updateRun(
      run.id,
      () => ({ run: { note: "planned meanwhile" }, planned: true }),
      T0 + 3,
    );
    expect(outcome.kind).toBe("applied");
    await holder.query("COMMIT");
    expect((await mustGetRun(engine.workflows, run.id)).note).toBe("planned meanwhile");
  });

  it("ends without a deadlock when a worker finishes a task's job while updateRun cancels it", async () => {
    const schema = freshSchema();
    const worker = await open(schema);
    const engine = await open(schema);
    await putWorkflow(engine.workflows);
    const run = await runningRun(engine.workflows, definition(), T0);
    const job = await queueTask(
      {
        workflows: () => engine.workflows,
        jobs: () => engine.jobs,
        schedules: () => engine.schedules,
        close: () => engine.close(),
      },
      run.id,
      "extract",
      T0 + 1,
    );
    const claimed = await claimEtl(worker.jobs, T0 + 2, job.id);

    // Hold the run row. The engine's updateRun (cancelling the running job: a run failed by
    // hand, say) queues for it first; then the worker's finalize locks the job and queues for
    // the run too (its completion hook). Were the run locked before the job, the engine would
    // get the run and then wait for the job the worker holds: a deadlock.
    const holder = await rawClient();
    await holder.query("BEGIN");
    await holder.query(`SELECT 1 FROM "${schema}".workflow_runs WHERE id = $1 FOR UPDATE`, [
      run.id,
    ]);
    const cancelling = engine.workflows.updateRun(
      run.id,
      (snap) => ({
        cancelJobs: [...snap.jobs.values()].filter((j) => j.state === "running").map((j) => j.id),
        planned: false,
      }),
      T0 + 4,
    );
    await waitForWaiters(holder, 1);
    const finishing = worker.jobs.finalize(
      [
        {
          jobId: job.id,
          leaseToken: claimed.leaseToken,
          outcome: { kind: "succeeded", resultJson: "1" },
        },
      ],
      T0 + 3,
    );
    await waitForWaiters(holder, 2);
    await holder.query("COMMIT");

    expect(await finishing).toEqual([true]);
    expect((await cancelling).kind).toBe("applied");
    expect((await worker.jobs.get(job.id))?.state).toBe("succeeded");
    const after = await mustGetRun(engine.workflows, run.id);
    expect(taskOf(after, "extract").outcome).toBe("succeeded");
    expect(after.needsPlan).toBe(true);
  });

  it("records both outcomes when one finalize batch finishes two tasks of one run", async () => {
    const stores = await open(freshSchema());
    await putWorkflow(stores.workflows);
    const run = await runningRun(stores.workflows, definition(), T0);
    const ctx = {
      workflows: () => stores.workflows,
      jobs: () => stores.jobs,
      schedules: () => stores.schedules,
      close: () => stores.close(),
    };
    const first = await queueTask(ctx, run.id, "extract", T0 + 1);
    const second = await queueTask(ctx, run.id, "transform", T0 + 1);
    const claimed = await stores.jobs.claim({
      workerId: "w1",
      fns: ["etl"],
      limit: 2,
      now: T0 + 2,
      leaseMs: 30_000,
    });
    expect(claimed.map((j) => j.id).sort()).toEqual([first.id, second.id].sort());
    const done = await stores.jobs.finalize(
      claimed.map((job) => ({
        jobId: job.id,
        leaseToken: job.leaseToken,
        outcome:
          job.id === first.id
            ? { kind: "succeeded" as const, resultJson: "1" }
            : { kind: "failed" as const, error: { name: "Error", message: "x" } },
      })),
      T0 + 3,
    );
    expect(done).toEqual([true, true]);
    const after = await mustGetRun(stores.workflows, run.id);
    expect(taskOf(after, "extract").outcome).toBe("succeeded");
    expect(taskOf(after, "transform").outcome).toBe("failed");
    expect(after).toMatchObject({ needsPlan: true, lastProgressAt: T0 + 3 });
  });

  it("uses its indexes for the scheduler's, planner's and reapers' reads", async () => {
    const schema = freshSchema();
    await open(schema);
    const client = await rawClient();
    const s = `"${schema}"`;
    await client.query("SET enable_seqscan = off");
    const plan = async (sql: string): Promise<string> => {
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    };
    // The statements' WHERE clauses, as in read-workflows.ts, read-runs.ts and start-runs.ts.
    expect(
      await plan(`SELECT * FROM ${s}.workflows WHERE NOT paused AND next_run_after IS NOT NULL
                    AND next_run_after <= 5 ORDER BY next_run_after, name LIMIT 10`),
    ).toContain("workflows_due_idx");
    expect(
      await plan(`SELECT id FROM ${s}.workflow_runs WHERE state = 'running'
                    AND last_progress_at < 5 ORDER BY last_progress_at, id LIMIT 10`),
    ).toContain("workflow_runs_progress_idx");
    expect(
      await plan(`SELECT id FROM ${s}.workflow_runs WHERE workflow = 'etl' AND state = 'queued'
                   ORDER BY logical_date LIMIT 2`),
    ).toContain("workflow_runs_queued_idx");
    expect(
      await plan(`SELECT * FROM ${s}.task_instances WHERE state = 'queued' AND queued_at < 5
                   ORDER BY queued_at LIMIT 10`),
    ).toContain("task_instances_queued_idx");
    expect(await plan(`SELECT * FROM ${s}.task_instances WHERE job_id = 7`)).toContain(
      "task_instances_job_idx",
    );
    expect(
      await plan(`SELECT * FROM ${s}.workflow_runs ORDER BY logical_date DESC, id DESC LIMIT 5`),
    ).toContain("workflow_runs_logical_idx");
    expect(
      await plan(`SELECT * FROM ${s}.workflow_history WHERE workflow = 'etl'
                   ORDER BY at DESC, id DESC LIMIT 5`),
    ).toContain("workflow_history_workflow_idx");
  });
});

/**
 * Wait until `n` sessions wait on locks held by `holder` or by sessions waiting on it
 * (transitively), or `settled()` says there is nothing to wait for. Polls; bounded.
 */
async function waitForWaiters(
  holder: pg.Client,
  n: number,
  settled: () => boolean = () => false,
): Promise<void> {
  const { rows: pidRows } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const pid = pidRows[0]!.pid;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !settled()) {
    const { rows } = await holder.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE cardinality(pg_blocking_pids(pid)) > 0 AND pid <> $1`,
      [pid],
    );
    if (Number(rows[0]!.n) >= n) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!settled()) throw new Error(`fewer than ${n} sessions ever waited on a lock`);
}
