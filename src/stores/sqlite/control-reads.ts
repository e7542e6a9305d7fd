/**
 * @module stores/sqlite/control-reads
 * Batched reads of `job_control` for the control store (stores/sqlite/control).
 */
import type Database from "better-sqlite3";
import type { JobControl } from "../../ports/control-store.js";
import { parseJobId } from "./arguments.js";

/**
 * The control rows of some jobs (keyed by the caller's id text; jobs without one are absent),
 * read in one statement: primary key probes over the ids as a JSON array. A statement of its
 * own per job cost about 4 µs each on the claim path (every autocommit read opens and closes
 * its read transaction).
 */
export function prepareControlsOf(
  db: Database.Database,
): (jobIds: readonly string[]) => Map<string, JobControl> {
  // Contract: input a JSON array of job ids; (job id, generation, checkpoint) of those that
  // have a control row (job_control primary key, once per id).
  const rows = db
    .prepare<[string], [number, number, string | null]>(
      `SELECT job_id, generation, checkpoint FROM job_control
        WHERE job_id IN (SELECT value FROM json_each(?))`,
    )
    .raw();
  return (jobIds) => {
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
}
