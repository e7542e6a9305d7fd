/**
 * @module stores/sqlite/schedules/functions
 * Statement family: the functions declared in config (`functions`): reads, and the upsert and
 * delete that `applyPlan` runs inside its transaction. In-process handlers are not stored.
 */
import type Database from "better-sqlite3";
import { NotFoundError } from "../../../core/errors.js";
import type { StoredFunction } from "../../../ports/schedule-store.js";
import { type FunctionRow, functionToParams, rowToFunction } from "./schedule-row.js";

/** The function statements, prepared once per store. */
export interface FunctionStatements {
  list(): StoredFunction[];
  get(name: string): StoredFunction | null;
  /** Insert or replace the declared fields; created_at is kept on replace. Caller's transaction. */
  upsert(fn: Omit<StoredFunction, "createdAt" | "updatedAt">, now: number): void;
  /** Delete; NotFoundError when there is no such function. Caller's transaction. */
  remove(name: string): void;
}

/** Prepare the function statements once. */
export function prepareFunctions(db: Database.Database): FunctionStatements {
  // Contract: no input; every function, by name.
  const list = db.prepare<[], FunctionRow>("SELECT * FROM functions ORDER BY name");

  // Contract: input a name; the row or nothing.
  const get = db.prepare<[string], FunctionRow>("SELECT * FROM functions WHERE name = ?");

  // Contract: inputs the function's fields and now; inserts it, or replaces kind, spec and
  // source of the existing row (created_at kept, updated_at now). One statement, atomic.
  const upsert = db.prepare<{
    name: string;
    kind: string;
    spec: string;
    source: string;
    now: number;
  }>(
    `INSERT INTO functions (name, kind, spec, source, created_at, updated_at)
     VALUES (@name, @kind, @spec, @source, @now, @now)
     ON CONFLICT (name) DO UPDATE
        SET kind = excluded.kind, spec = excluded.spec, source = excluded.source,
            updated_at = excluded.updated_at`,
  );

  // Contract: input a name; deletes the row; the change count says whether it existed.
  const remove = db.prepare<[string]>("DELETE FROM functions WHERE name = ?");

  return {
    list: () => list.all().map(rowToFunction),
    get: (name) => {
      const row = get.get(name);
      return row === undefined ? null : rowToFunction(row);
    },
    upsert: (fn, now) => {
      upsert.run({ ...functionToParams(fn), now });
    },
    remove: (name) => {
      if (remove.run(name).changes === 0) {
        throw new NotFoundError(
          `function "${name}" does not exist, so it cannot be deleted; nothing of the plan was applied`,
        );
      }
    },
  };
}
