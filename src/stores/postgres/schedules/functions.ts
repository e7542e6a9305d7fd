/**
 * @module stores/postgres/schedules/functions
 * Statement family: the functions declared in config (`functions`): reads, and the upsert and
 * delete that `applyPlan` runs inside its transaction. In-process handlers are not stored.
 */
import { NotFoundError } from "../../../core/errors.js";
import type { StoredFunction } from "../../../ports/schedule-store.js";
import { exec, type Queryable } from "../database.js";
import {
  FUNCTION_COLUMNS,
  type FunctionRow,
  functionToParams,
  rowToFunction,
} from "./schedule-row.js";

/** Every function, by name. */
export async function listFunctions(q: Queryable, s: string): Promise<StoredFunction[]> {
  // Contract: no input; every function, by name (primary key order).
  const { rows } = await exec<FunctionRow>(
    q,
    `SELECT ${FUNCTION_COLUMNS} FROM ${s}.functions ORDER BY name`,
    [],
  );
  return rows.map(rowToFunction);
}

/** The function with this name, or null. */
export async function getFunction(
  q: Queryable,
  s: string,
  name: string,
): Promise<StoredFunction | null> {
  // Contract: input a name; the row or nothing.
  const { rows } = await exec<FunctionRow>(
    q,
    `SELECT ${FUNCTION_COLUMNS} FROM ${s}.functions WHERE name = $1`,
    [name],
  );
  return rows[0] === undefined ? null : rowToFunction(rows[0]);
}

/** Insert, or replace the declared fields (created_at kept). Caller's transaction. */
export async function upsertFunction(
  q: Queryable,
  s: string,
  fn: Omit<StoredFunction, "createdAt" | "updatedAt">,
  now: number,
): Promise<void> {
  const p = functionToParams(fn);
  // Contract: inputs the function's fields and now; inserts it, or replaces kind, spec and
  // source of the existing row (created_at kept, updated_at now). One statement, atomic even
  // against a concurrent insert of the same name (ON CONFLICT waits for it, then updates).
  await exec(
    q,
    `INSERT INTO ${s}.functions (name, kind, spec, source, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (name) DO UPDATE
        SET kind = excluded.kind, spec = excluded.spec, source = excluded.source,
            updated_at = excluded.updated_at`,
    [p.name, p.kind, p.spec, p.source, now],
  );
}

/** Delete; NotFoundError when there is no such function. Caller's transaction. */
export async function deleteFunction(q: Queryable, s: string, name: string): Promise<void> {
  // Contract: input a name; deletes the row; the row count says whether it existed.
  const { rowCount } = await exec(q, `DELETE FROM ${s}.functions WHERE name = $1`, [name]);
  if (rowCount === 0) {
    throw new NotFoundError(
      `function "${name}" does not exist, so it cannot be deleted; nothing of the plan was applied`,
    );
  }
}
