/**
 * @module stores/sqlite/control-reads
 * Batched reads of `job_control` for the control store (stores/sqlite/control): the control
 * rows of a page of jobs, and of a freshly claimed batch (with its pending starts
 * acknowledged). One statement per batch: a statement of its own per job cost about 4 µs each
 * on the claim path (every autocommit read opens and closes its read transaction).
 */
import type Database from "better-sqlite3";
import type { JobControl } from "../../ports/control-store.js";
import { parseJobId } from "./arguments.js";
import type { ResolveParams } from "./control.js";

/** The batched control reads; see the module header. */
export interface ControlReads {
  /** The control rows of these jobs, keyed by the caller's id text (jobs without one absent). */
  read(jobIds: readonly string[]): Map<string, JobControl>;
  /**
   * As `read`, for a claimed batch: each found job's pending start of its generation is
   * completed (one write transaction, only when some job has a control row).
   */
  claimed(jobIds: readonly string[], now: number): Map<string, JobControl>;
}

/** Prepare the reads over `db`; `resolve` completes a job's pending request. */
export function prepareControlReads(
  db: Database.Database,
  resolve: Database.Statement<ResolveParams>,
): ControlReads {
  // Contract: input a JSON array of job ids; (job id, generation, checkpoint) of those that
  // have a control row (job_control primary key, once per id).
  const rows = db
    .prepare<[string], [number, number, string | null]>(
      `SELECT job_id, generation, checkpoint FROM job_control
        WHERE job_id IN (SELECT value FROM json_each(?))`,
    )
    .raw();
  const acknowledge = db.transaction((found: ReadonlyMap<string, JobControl>, now: number) => {
    for (const [id, control] of found) {
      resolve.run({ id, kind: "start", generation: control.generation, now });
    }
  });
  const read = (jobIds: readonly string[]): Map<string, JobControl> => {
    const found = new Map<string, JobControl>();
    const byId = new Map<number, string>();
    for (const jobId of jobIds) {
      const id = parseJobId(jobId);
      if (id !== null) byId.set(id, jobId);
    }
    if (byId.size === 0) return found;
    for (const [id, generation, checkpoint] of rows.all(JSON.stringify([...byId.keys()]))) {
      const jobId = byId.get(id);
      if (jobId !== undefined) found.set(jobId, { generation, checkpointJson: checkpoint });
    }
    return found;
  };
  return {
    read,
    claimed(jobIds, now) {
      // Most jobs were never stopped: reading is enough, and takes no write lock.
      const found = read(jobIds);
      if (found.size > 0) acknowledge.immediate(found, now);
      return found;
    },
  };
}
