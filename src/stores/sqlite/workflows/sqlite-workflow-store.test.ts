/**
 * The WorkflowStore conformance suite against the SQLite adapter (in memory and on a file),
 * plus SQLite-specific tests: two connections on one file racing for a logical date, and the
 * shared connection's lifecycle.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ShuttingDownError } from "../../../core/errors.js";
import { defineWorkflowStoreConformance } from "../../conformance/workflow-store-suite.js";
import {
  T0,
  definition,
  mustGetRun,
  newRun,
  putWorkflow,
  queueTask,
  runningRun,
  succeedJob,
  type WorkflowSuiteContext,
} from "../../conformance/workflow-store-fixtures.js";
import { openSqliteStores, type SqliteStores } from "../index.js";
import { PROGRESS_STEP_MS, WORKFLOW_COMPLETION_SQL } from "./completion.js";
import { TRIES_SQL } from "./task-tries.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDbPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-workflows-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, "kairos.db");
}

defineWorkflowStoreConformance("sqlite memory", () => openSqliteStores({ path: ":memory:" }));
defineWorkflowStoreConformance("sqlite file", () => openSqliteStores({ path: tempDbPath() }));

async function open(dbPath: string): Promise<SqliteStores> {
  const stores = await openSqliteStores({ path: dbPath });
  cleanups.push(() => stores.close());
  return stores;
}

describe("SQLite workflow store on a file", () => {
  it("creates one run when two connections create the same logical date", async () => {
    const dbPath = tempDbPath();
    const a = await open(dbPath);
    const b = await open(dbPath);
    await putWorkflow(a.workflows);
    const first = await a.workflows.createRun(newRun(definition(), T0), T0);
    const second = await b.workflows.createRun(newRun(definition(), T0), T0 + 1);
    expect(first.kind).toBe("created");
    expect(second).toEqual({ kind: "duplicate", run: first.run });
  });

  it("keeps maxActiveRuns across two connections starting queued runs", async () => {
    const dbPath = tempDbPath();
    const a = await open(dbPath);
    const b = await open(dbPath);
    await putWorkflow(a.workflows, { maxActiveRuns: 2 });
    const def = definition({ maxActiveRuns: 2 });
    for (let i = 0; i < 4; i++) await a.workflows.createRun(newRun(def, T0 + i), T0);
    const startedA = await a.workflows.startQueuedRuns("etl", T0 + 10);
    const startedB = await b.workflows.startQueuedRuns("etl", T0 + 10);
    expect(startedA.map((r) => r.logicalDate)).toEqual([T0, T0 + 1]);
    expect(startedB).toEqual([]);
    expect(await b.workflows.listRuns({ state: "running" })).toHaveLength(2);
  });
});

describe("SQLite workflow store lifecycle", () => {
  it("throws ShuttingDownError once the job store closed the shared connection", async () => {
    const stores = await openSqliteStores({ path: ":memory:" });
    await stores.jobs.close();
    await expect(stores.workflows.listWorkflows()).rejects.toBeInstanceOf(ShuttingDownError);
    await stores.close();
  });
});

describe("SQLite workflow store run definitions", () => {
  it("parses a run's definition once and hands every read the same frozen object", async () => {
    const stores = await open(":memory:");
    await putWorkflow(stores.workflows);
    const created = await stores.workflows.createRun(newRun(definition(), T0), T0);
    const first = await stores.workflows.getRun(created.run.id);
    const second = await stores.workflows.getRun(created.run.id);
    expect(second?.definition).toEqual(definition());
    expect(second?.definition).toBe(first?.definition);
    expect(Object.isFrozen(first?.definition.tasks[0])).toBe(true);
  });
});

describe("SQLite workflow completion hook", () => {
  it("finds the finished job's task by primary key, not by walking the run's tasks", async () => {
    const file = tempDbPath();
    await (await openSqliteStores({ path: file })).close();
    const db = new Database(file);
    cleanups.push(() => void db.close());
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${WORKFLOW_COMPLETION_SQL.setOutcome}`)
      .all("succeeded", 1, "t1", 2)
      .map((row) => (row as { detail: string }).detail)
      .join("\n");
    expect(plan).toMatch(/USING PRIMARY KEY \(run_id=\? AND task_id=\?\)/);
  });
});

describe("SQLite task tries", () => {
  it("reads a task's tries as a key range of the origin index, not a scan of jobs", async () => {
    const file = tempDbPath();
    await (await openSqliteStores({ path: file })).close();
    const db = new Database(file);
    cleanups.push(() => void db.close());
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${TRIES_SQL}`)
      .all({ run: "1", from: "load#", to: "load$" })
      .map((row) => (row as { detail: string }).detail)
      .join("\n");
    expect(plan).toMatch(
      /SEARCH jobs USING INDEX jobs_origin_key_idx \(origin_kind=\? AND origin_id=\? AND origin_key>\? AND origin_key<\?\)/,
    );
  });
});

describe("SQLite workflow run flag on task completion", () => {
  it("rewrites a flagged run at most once per progress step, not once per finished task", async () => {
    const stores = await open(":memory:");
    const ctx = {
      workflows: () => stores.workflows,
      jobs: () => stores.jobs,
    } as unknown as WorkflowSuiteContext;
    const tasks = [
      { id: "a", fn: "etl" },
      { id: "b", fn: "etl" },
      { id: "c", fn: "etl" },
    ];
    await putWorkflow(stores.workflows, { tasks });
    const run = await runningRun(stores.workflows, definition({ tasks }), T0);
    const a = await queueTask(ctx, run.id, "a", T0 + 1);
    const b = await queueTask(ctx, run.id, "b", T0 + 1);
    const c = await queueTask(ctx, run.id, "c", T0 + 1);
    await succeedJob(stores.jobs, a.id, T0 + 10);
    await succeedJob(stores.jobs, b.id, T0 + 20);
    expect((await mustGetRun(stores.workflows, run.id)).lastProgressAt).toBe(T0 + 10);
    await succeedJob(stores.jobs, c.id, T0 + 10 + PROGRESS_STEP_MS);
    const after = await mustGetRun(stores.workflows, run.id);
    expect(after.lastProgressAt).toBe(T0 + 10 + PROGRESS_STEP_MS);
    expect(after.needsPlan).toBe(true);
  });
});
