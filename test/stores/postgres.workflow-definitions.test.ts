/**
 * The PostgreSQL workflow store reads a run's definition once per store instance: getRun,
 * updateRun's snapshot and every task job's context hand out one parsed, frozen object (a
 * run's definition never changes after creation, and is megabytes for a 10,000-task
 * fan-out), and a task's context finds the task in it by id.
 */
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  T0,
  definition,
  mustGetRun,
  putWorkflow,
  queueTask,
  runningRun,
  type WorkflowSuiteContext,
} from "../../src/stores/conformance/workflow-store-fixtures.js";
import { openPostgresStores, type PostgresStores } from "../../src/stores/postgres/index.js";
import { RunDefinitionCache } from "../../src/stores/postgres/workflows/run-heads.js";
import type { RunHeadRow } from "../../src/stores/postgres/workflows/workflow-row.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describePg("postgres workflow store run definitions", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(): Promise<PostgresStores> {
    const stores = await openPostgresStores({ url: pgUrl(), schema: freshSchema(), poolSize: 2 });
    cleanups.push(() => stores.close());
    return stores;
  }

  function context(stores: PostgresStores): WorkflowSuiteContext {
    return {
      workflows: () => stores.workflows,
      jobs: () => stores.jobs,
      schedules: () => stores.schedules,
      close: () => stores.close(),
    };
  }

  it("hands getRun, updateRun's snapshot and taskContext one frozen definition per run", async () => {
    const stores = await open();
    await putWorkflow(stores.workflows);
    const run = await runningRun(stores.workflows, definition(), T0);
    const first = await mustGetRun(stores.workflows, run.id);
    const second = await mustGetRun(stores.workflows, run.id);
    expect(second.definition).toEqual(definition());
    expect(second.definition).toBe(first.definition);
    expect(Object.isFrozen(first.definition.tasks[0])).toBe(true);

    let seen: unknown = null;
    const outcome = await stores.workflows.updateRun(
      run.id,
      (snap) => {
        seen = snap.run.definition;
        return { run: { note: "n" }, planned: true };
      },
      T0 + 1,
    );
    expect(seen).toBe(first.definition);
    expect(outcome.kind === "applied" && outcome.run.definition).toBe(first.definition);

    const job = await queueTask(context(stores), run.id, "extract", T0 + 2);
    const ctx = await stores.workflows.taskContext(job.id);
    expect(ctx?.taskId).toBe("extract");
    expect(ctx?.run.definition).toBe(first.definition);
  });

  it("gives a task job's context the upstream tasks of its own task", async () => {
    const stores = await open();
    await putWorkflow(stores.workflows);
    const run = await runningRun(stores.workflows, definition(), T0);
    const job = await queueTask(context(stores), run.id, "transform", T0 + 1);
    const ctx = await stores.workflows.taskContext(job.id);
    expect(ctx?.taskId).toBe("transform");
    expect(ctx?.upstreamResults).toEqual({ extract: null });
  });

  it("reads a run with its tasks and their jobs in two statements once its definition is cached", async () => {
    const stores = await open();
    await putWorkflow(stores.workflows);
    const run = await runningRun(stores.workflows, definition(), T0);
    await queueTask(context(stores), run.id, "extract", T0 + 1);
    await mustGetRun(stores.workflows, run.id);
    const query = vi.spyOn(pg.Client.prototype, "query");
    cleanups.push(async () => query.mockRestore());
    const detail = await mustGetRun(stores.workflows, run.id);
    expect(query).toHaveBeenCalledTimes(2);
    const extract = detail.tasks.find((t) => t.taskId === "extract");
    expect(detail.jobs.get(extract!.jobId!)?.state).toBe("queued");
    expect(detail.jobs.size).toBe(1);
  });
});

describe("RunDefinitionCache", () => {
  const text = JSON.stringify(definition());
  const head = (id: number, createdAt = T0): RunHeadRow => ({
    id,
    workflow: "etl",
    logical_date: T0,
    interval_start: T0,
    interval_end: T0,
    run_type: "manual",
    state: "running",
    params: "{}",
    note: null,
    created_at: createdAt,
    started_at: null,
    finished_at: null,
    updated_at: T0,
    last_progress_at: T0,
    needs_plan: false,
    next_plan_at: null,
  });

  it("indexes a definition's tasks by id", () => {
    const cache = new RunDefinitionCache();
    const entry = cache.put(head(1), text);
    expect(entry.tasks.get("load")).toBe(entry.definition.tasks[2]);
    expect(entry.tasks.get("nope")).toBeUndefined();
    expect(cache.get(head(1))).toBe(entry);
  });

  it("keeps at most its capacity, dropping the least recently used", () => {
    const cache = new RunDefinitionCache(2);
    cache.put(head(1), text);
    cache.put(head(2), text);
    expect(cache.get(head(1))).toBeDefined();
    cache.put(head(3), text);
    expect(cache.get(head(2))).toBeUndefined();
    expect(cache.get(head(1))).toBeDefined();
    expect(cache.get(head(3))).toBeDefined();
  });

  it("never hands a run the definition of another run that had the same id", () => {
    const cache = new RunDefinitionCache();
    cache.put(head(1, T0), text);
    expect(cache.get(head(1, T0 + 1))).toBeUndefined();
  });
});
