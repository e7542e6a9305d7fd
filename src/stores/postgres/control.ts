/**
 * @module stores/postgres/control
 * The PostgreSQL ControlStore (`control_requests`, `job_control`, migration 11), on the pool the
 * job store owns: once that is closed, every method throws ShuttingDownError.
 *
 * Each stop or start is one transaction that first locks the job row (`SELECT ... FOR UPDATE`),
 * so callers racing on one job, in this process or another, run one after the other: each reads
 * the generation and the requests the one before it committed, decides (core/control/decide),
 * and writes the request and the job's change together. Racing callers get one request between
 * them; the unique (target, kind, generation) index stays a backstop, never the arbiter.
 *
 * Wake-ups: a start re-queues the job and a stop of a running job must reach its worker, which
 * may be in another process; both `pg_notify` the schema's channel in their transaction (as an
 * enqueue and a cancel do), delivered only once the change is visible.
 */
import { ShuttingDownError } from "../../core/errors.js";
import { decideStart, decideStop, type ControlDecision } from "../../core/control/decide.js";
import type { ControlRequest, ControlTargetKind } from "../../core/control/types.js";
import type { StoredJob } from "../../core/jobs/types.js";
import type {
  ControlOutcome,
  ControlStore,
  JobControl,
  RunControlOutcome,
} from "../../ports/control-store.js";
import {
  CONTROL_COLUMNS,
  jobNotFound,
  jobPhase,
  refusalError,
  toControlRequest,
  type ControlDbRow,
} from "../control-row.js";
import { parseId } from "./arguments.js";
import { exec, type PgDatabase, type Queryable, toStoreError } from "./database.js";
import { type JobRow, jobColumns, rowToJob } from "./job-row.js";
import { pendingRunRequestsPg, resolveRequestPg, startRunPg, stopRunPg } from "./run-control.js";
import { failOverdueStartsPg, failStopsOfEndedPg } from "./settle-stops.js";

type Decide = typeof decideStop;

const COLS = jobColumns();

/** A ControlStore over a shared PgDatabase. */
export class PostgresControlStore implements ControlStore {
  readonly #db: PgDatabase;
  #closed = false;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async stopJob(jobId: string, requestedBy: string, now: number): Promise<ControlOutcome> {
    return this.#decide("stopJob", jobId, requestedBy, now, decideStop);
  }

  async startJob(jobId: string, requestedBy: string, now: number): Promise<ControlOutcome> {
    return this.#decide("startJob", jobId, requestedBy, now, decideStart);
  }

  async listRequests(targetKind: ControlTargetKind, targetId: string): Promise<ControlRequest[]> {
    return this.#run("listRequests", async () => {
      const rows = await this.#requests(this.#db.pool, targetKind, targetId);
      return rows.map(toControlRequest);
    });
  }

  async generationsOf(jobIds: readonly string[]): Promise<Map<string, number>> {
    return this.#run("generationsOf", async () => {
      const ids = jobIds.filter((id) => parseId(id) !== null);
      if (ids.length === 0) return new Map<string, number>();
      // Contract: input job ids (text); the generation of those started again (primary key).
      const { rows } = await this.#db.query<{ job_id: string; generation: number }>(
        `SELECT job_id::text AS job_id, generation FROM ${this.#db.s}.job_control
          WHERE job_id = ANY($1::bigint[]) AND generation > 1`,
        [ids],
      );
      return new Map(rows.map((r) => [r.job_id, Number(r.generation)]));
    });
  }

  async jobControl(jobId: string): Promise<JobControl> {
    return this.#run("jobControl", async () => {
      const id = parseId(jobId);
      if (id === null) return { generation: 1, checkpointJson: null };
      // Contract: input a job id; its control row, if it has one (primary key).
      const { rows } = await this.#db.query<{ generation: number; checkpoint: string | null }>(
        `SELECT generation, checkpoint FROM ${this.#db.s}.job_control WHERE job_id = $1`,
        [id],
      );
      const row = rows[0];
      return { generation: Number(row?.generation ?? 1), checkpointJson: row?.checkpoint ?? null };
    });
  }

  async saveCheckpoint(
    jobId: string,
    leaseToken: string,
    generation: number,
    checkpointJson: string,
    now: number,
  ): Promise<boolean> {
    return this.#run("saveCheckpoint", async () => {
      const id = parseId(jobId);
      if (id === null) return false;
      const { s } = this.#db;
      // Contract: inputs (id, token, generation, checkpoint, now); saves the checkpoint only
      // while the job runs under that lease at that generation (a job without a control row is
      // at generation 1). One statement: the job row and the control row are read in it.
      const { rowCount } = await this.#db.query(
        `INSERT INTO ${s}.job_control AS c (job_id, generation, checkpoint, checkpoint_at)
         SELECT j.id, $3::bigint, $4::text, $5::bigint FROM ${s}.jobs j
          WHERE j.id = $1 AND j.state = 'running' AND j.lease_token = $2
            AND coalesce((SELECT generation FROM ${s}.job_control WHERE job_id = $1), 1) = $3::bigint
         ON CONFLICT (job_id) DO UPDATE
           SET checkpoint = excluded.checkpoint, checkpoint_at = excluded.checkpoint_at
           WHERE c.generation = excluded.generation`,
        [id, leaseToken, generation, checkpointJson, now],
      );
      return (rowCount ?? 0) > 0;
    });
  }

  async stopsRequested(jobIds: readonly string[]): Promise<string[]> {
    return this.#run("stopsRequested", async () => {
      const ids = jobIds.filter((id) => parseId(id) !== null);
      if (ids.length === 0) return [];
      const { s } = this.#db;
      // Contract: input job ids (text); those with a stop pending at their current generation
      // (control_requests_pending_idx / _target_idx; a job without a control row is at 1).
      const { rows } = await this.#db.query<{ target_id: string }>(
        `SELECT r.target_id FROM ${s}.control_requests r
          WHERE r.target_kind = 'job' AND r.kind = 'stop' AND r.status = 'pending'
            AND r.target_id = ANY($1::text[])
            AND r.generation = coalesce(
              (SELECT c.generation FROM ${s}.job_control c WHERE c.job_id = r.target_id::bigint), 1)`,
        [ids],
      );
      const pending = new Set(rows.map((r) => r.target_id));
      return jobIds.filter((id) => pending.has(id));
    });
  }

  async completeStop(jobId: string, leaseToken: string, now: number): Promise<StoredJob | null> {
    return this.#run("completeStop", async () => {
      const id = parseId(jobId);
      if (id === null) return null;
      const { s } = this.#db;
      return this.#db.transaction(async (client) => {
        // Contract: inputs (id, token, now); the job running under that lease becomes stopped,
        // its attempt not counted (as one handed back at shutdown), progress kept.
        const { rows } = await exec<JobRow>(
          client,
          `UPDATE ${s}.jobs
              SET state = 'stopped', attempt = attempt - 1, started_at = NULL, updated_at = $3,
                  lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
            WHERE id = $1 AND state = 'running' AND lease_token = $2
            RETURNING ${COLS}`,
          [id, leaseToken, now],
        );
        if (rows[0] === undefined) return null;
        // Contract: inputs (id, now); completes the job's pending stop of its generation.
        await exec(
          client,
          `UPDATE ${s}.control_requests SET status = 'completed', resolved_at = $2
            WHERE target_kind = 'job' AND target_id = $1::text AND kind = 'stop'
              AND status = 'pending'
              AND generation = coalesce(
                (SELECT generation FROM ${s}.job_control WHERE job_id = $1::bigint), 1)`,
          [id, now],
        );
        return rowToJob(rows[0]);
      });
    });
  }

  async claimedControl(jobIds: readonly string[], now: number): Promise<Map<string, JobControl>> {
    return this.#run("claimedControl", async () => {
      const ids = jobIds.filter((id) => parseId(id) !== null);
      const found = new Map<string, JobControl>();
      if (ids.length === 0) return found;
      const { s } = this.#db;
      // Contract: inputs (job ids, now); the control rows of those jobs that have one, and
      // their pending start of that generation completed, in one statement.
      const { rows } = await this.#db.query<{
        job_id: string;
        generation: number;
        checkpoint: string | null;
      }>(
        `WITH c AS (
           SELECT job_id, generation, checkpoint FROM ${s}.job_control
            WHERE job_id = ANY($1::bigint[])
         ), acked AS (
           UPDATE ${s}.control_requests r SET status = 'completed', resolved_at = $2
             FROM c
            WHERE r.target_kind = 'job' AND r.target_id = c.job_id::text AND r.kind = 'start'
              AND r.generation = c.generation AND r.status = 'pending'
         )
         SELECT job_id::text AS job_id, generation, checkpoint FROM c`,
        [ids, now],
      );
      for (const row of rows) {
        found.set(row.job_id, {
          generation: Number(row.generation),
          checkpointJson: row.checkpoint,
        });
      }
      return found;
    });
  }

  async failOverdueStarts(
    askedBefore: number,
    now: number,
    error: string,
    limit: number,
  ): Promise<ControlRequest[]> {
    return this.#run("failOverdueStarts", () =>
      failOverdueStartsPg(this.#db, askedBefore, now, error, limit),
    );
  }

  async stopRun(runId: string, requestedBy: string, now: number): Promise<RunControlOutcome> {
    return this.#run("stopRun", () => stopRunPg(this.#db, runId, requestedBy, now));
  }

  async startRun(runId: string, requestedBy: string, now: number): Promise<RunControlOutcome> {
    return this.#run("startRun", () => startRunPg(this.#db, runId, requestedBy, now));
  }

  async failStopsOfEnded(now: number, limit: number): Promise<ControlRequest[]> {
    return this.#run("failStopsOfEnded", () => failStopsOfEndedPg(this.#db, now, limit));
  }

  async pendingRunRequests(limit: number): Promise<ControlRequest[]> {
    return this.#run("pendingRunRequests", () => pendingRunRequestsPg(this.#db, limit));
  }

  async resolveRequest(
    requestId: string,
    status: "completed" | "failed",
    error: string | null,
    now: number,
  ): Promise<boolean> {
    return this.#run("resolveRequest", () =>
      resolveRequestPg(this.#db, requestId, status, error, now),
    );
  }

  /** Refuse further calls (ShuttingDownError); the pool is the job store's. Idempotent. */
  close(): void {
    this.#closed = true;
  }

  async #decide(
    operation: string,
    jobId: string,
    by: string,
    now: number,
    decide: Decide,
  ): Promise<ControlOutcome> {
    return this.#run(operation, async () => {
      const id = parseId(jobId);
      if (id === null) throw jobNotFound(jobId);
      return this.#db.transaction(async (client) => {
        const { s } = this.#db;
        // Contract: input a job id; the row, locked until the transaction ends (racing stops
        // and starts of the job, and its claim or finalization, wait for this one).
        const found = await exec<JobRow>(
          client,
          `SELECT ${COLS} FROM ${s}.jobs WHERE id = $1 FOR UPDATE`,
          [id],
        );
        if (found.rows[0] === undefined) throw jobNotFound(jobId);
        const job = rowToJob(found.rows[0]);
        // Contract: input a job id; its generation, if it has a control row (primary key).
        const control = await exec<{ generation: number }>(
          client,
          `SELECT generation FROM ${s}.job_control WHERE job_id = $1`,
          [id],
        );
        const generation = Number(control.rows[0]?.generation ?? 1);
        const requests = (await this.#requests(client, "job", id)).map(toControlRequest);
        const decision = decide(
          { phase: jobPhase(job.state), generation },
          requests,
          `job ${jobId}`,
        );
        return this.#carryOut(client, decision, id, job, by, now);
      });
    });
  }

  /** Write what `decision` says, inside the caller's transaction on `client`. */
  async #carryOut(
    client: Queryable,
    decision: ControlDecision,
    id: string,
    job: StoredJob,
    by: string,
    now: number,
  ): Promise<ControlOutcome> {
    if (decision.action === "existing") return { request: decision.request, created: false, job };
    if (decision.action === "refuse") throw refusalError(decision.refusal);
    const { s, channel } = this.#db;
    const kind = decision.effect === "requeue" ? "start" : "stop";
    // Contract: records one job request; a completed one is resolved at once.
    const inserted = await exec<ControlDbRow>(
      client,
      `INSERT INTO ${s}.control_requests
         (target_kind, target_id, kind, generation, status, requested_by, created_at, resolved_at)
       VALUES ('job', $1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'completed' THEN $6::bigint END)
       RETURNING ${CONTROL_COLUMNS}`,
      [id, kind, decision.generation, decision.status, by, now],
    );
    const request = inserted.rows[0];
    if (request === undefined) throw new Error(`control request for job ${id} not recorded`);
    let after = job;
    if (decision.effect === "stop_now" && job.state !== "stopped") {
      // Contract: inputs (id, now); the locked, waiting job becomes stopped (state-guarded).
      const { rows } = await exec<JobRow>(
        client,
        `UPDATE ${s}.jobs SET state = 'stopped', updated_at = $2
          WHERE id = $1 AND state IN ('scheduled', 'queued', 'retrying')
          RETURNING ${COLS}`,
        [id, now],
      );
      after = changed(rows[0], id, "stopped");
    } else if (decision.effect === "requeue") {
      // Contract: inputs (id, generation); creates or moves the job's control row.
      await exec(
        client,
        `INSERT INTO ${s}.job_control (job_id, generation) VALUES ($1, $2)
         ON CONFLICT (job_id) DO UPDATE SET generation = excluded.generation`,
        [id, decision.generation],
      );
      // Contract: inputs (id, now); the locked, stopped job is queued again, runnable now
      // (state-guarded).
      const { rows } = await exec<JobRow>(
        client,
        `UPDATE ${s}.jobs SET state = 'queued', run_at = $2, updated_at = $2
          WHERE id = $1 AND state = 'stopped'
          RETURNING ${COLS}`,
        [id, now],
      );
      after = changed(rows[0], id, "queued");
      // Contract: wakes the schema's listeners at commit (a worker may be in another process).
      await exec(client, "SELECT pg_notify($1, 'start')", [channel]);
    } else if (decision.effect === "deliver_stop") {
      // Contract: wakes the schema's listeners at commit (the worker may be in another process).
      await exec(client, "SELECT pg_notify($1, 'stop')", [channel]);
    }
    return { request: toControlRequest(request), created: true, job: after };
  }

  /** A target's requests, oldest first (control_requests_target_idx, then id order). */
  async #requests(client: Queryable, kind: string, targetId: string): Promise<ControlDbRow[]> {
    const { rows } = await exec<ControlDbRow>(
      client,
      `SELECT ${CONTROL_COLUMNS} FROM ${this.#db.s}.control_requests
        WHERE target_kind = $1 AND target_id = $2 ORDER BY id`,
      [kind, targetId],
    );
    return rows;
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new ShuttingDownError(
        `the PostgreSQL control store is closed; ${operation} was called after close()`,
      );
    }
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error, "control store");
    }
  }
}

/** The row an UPDATE returned, or an error saying the job did not move (state changed?). */
function changed(row: JobRow | undefined, id: string, to: string): StoredJob {
  if (row === undefined) throw new Error(`job ${id} did not move to ${to} (state changed?)`);
  return rowToJob(row);
}
