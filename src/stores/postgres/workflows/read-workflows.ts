/**
 * @module stores/postgres/workflows/read-workflows
 * Statement family: reading workflows and their history. Single statements on the pool.
 */
import type { ObjectSource } from "../../../core/object-source.js";
import type { StoredWorkflow, WorkflowHistoryEntry } from "../../../core/workflows/store-types.js";
import { clampLimit } from "../arguments.js";
import { exec, type Queryable } from "../database.js";
import {
  type HistoryRow,
  rowToHistory,
  rowToWorkflow,
  WORKFLOW_COLUMNS,
  type WorkflowRow,
} from "./workflow-row.js";

/** Default and largest page of `workflowHistory`. */
const HISTORY_LIMIT = { fallback: 100, max: 10_000 } as const;
const MAX_LIMIT = 10_000;

/** One workflow by name, or null. */
export async function getWorkflow(
  q: Queryable,
  s: string,
  name: string,
): Promise<StoredWorkflow | null> {
  // Contract: input a name; its row (primary key).
  const { rows } = await exec<WorkflowRow>(
    q,
    `SELECT ${WORKFLOW_COLUMNS} FROM ${s}.workflows WHERE name = $1`,
    [name],
  );
  return rows[0] === undefined ? null : rowToWorkflow(rows[0]);
}

/** Every workflow (of one source when given), by name. */
export async function listWorkflows(
  q: Queryable,
  s: string,
  source: ObjectSource | undefined,
): Promise<StoredWorkflow[]> {
  // Contract: input a source or null (all); the rows by name.
  const { rows } = await exec<WorkflowRow>(
    q,
    `SELECT ${WORKFLOW_COLUMNS} FROM ${s}.workflows
      WHERE $1::text IS NULL OR source = $1 ORDER BY name`,
    [source ?? null],
  );
  return rows.map(rowToWorkflow);
}

/** Unpaused workflows with `next_run_after <= now`, earliest first (workflows_due_idx). */
export async function dueWorkflows(
  q: Queryable,
  s: string,
  now: number,
  limit: number,
): Promise<StoredWorkflow[]> {
  // Contract: inputs now, limit; due rows in (next_run_after, name) order.
  const { rows } = await exec<WorkflowRow>(
    q,
    `SELECT ${WORKFLOW_COLUMNS} FROM ${s}.workflows
      WHERE NOT paused AND next_run_after IS NOT NULL AND next_run_after <= $1
      ORDER BY next_run_after, name LIMIT $2`,
    [now, clampLimit(limit, 0, MAX_LIMIT)],
  );
  return rows.map(rowToWorkflow);
}

/** The earliest `next_run_after` of an unpaused workflow, or null (workflows_due_idx). */
export async function nextRunAfter(q: Queryable, s: string): Promise<number | null> {
  // Contract: no input; the minimum over the due index.
  const { rows } = await exec<{ at: number | null }>(
    q,
    `SELECT min(next_run_after) AS at FROM ${s}.workflows
      WHERE NOT paused AND next_run_after IS NOT NULL`,
    [],
  );
  return rows[0]?.at ?? null;
}

/** A workflow's history, newest first (workflow_history_workflow_idx). */
export async function workflowHistory(
  q: Queryable,
  s: string,
  workflow: string,
  limit: number | undefined,
): Promise<WorkflowHistoryEntry[]> {
  // Contract: inputs workflow, limit; entries newest first (insertion order breaks ties).
  const { rows } = await exec<HistoryRow>(
    q,
    `SELECT workflow, at, kind, logical_date, run_id, reason FROM ${s}.workflow_history
      WHERE workflow = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [workflow, clampLimit(limit, HISTORY_LIMIT.fallback, HISTORY_LIMIT.max)],
  );
  return rows.map(rowToHistory);
}
