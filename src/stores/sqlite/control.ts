/**
 * @module stores/sqlite/control
 * The SQLite ControlStore (`control_requests`, `job_control`, migration 12), on the connection
 * the job store owns. Each stop or start is one `BEGIN IMMEDIATE` transaction: read the job,
 * its generation and its requests, decide (core/control/decide), then write the request and
 * the job's change together, so racing callers get one request between them.
 */
import type Database from "better-sqlite3";
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
import { parseJobId } from "./arguments.js";
import { prepareControlReads, type ControlReads } from "./control-reads.js";
import { prepareRunControl, type SqliteRunControl } from "./run-control.js";
import { prepareFailOverdue, prepareFailStopsOfEnded } from "./settle-stops.js";
import { type JobRow, rowToJob } from "./job-row.js";
import { toStoreError } from "./sqlite-job-store.js";

type Decide = typeof decideStop;

interface CheckpointParams {
  id: number;
  token: string;
  generation: number;
  checkpoint: string;
  now: number;
}

/** Parameters of the statement that completes a job's pending request. */
export interface ResolveParams {
  id: string;
  kind: "stop" | "start";
  generation: number;
  now: number;
}

interface InsertParams {
  targetId: string;
  kind: "stop" | "start";
  generation: number;
  status: "pending" | "completed";
  by: string;
  now: number;
}

/** A ControlStore over a shared better-sqlite3 connection. */
export class SqliteControlStore implements ControlStore {
  readonly #db: Database.Database;
  #closed = false;
  readonly #findJob: Database.Statement<[number], JobRow>;
  readonly #control: Database.Statement<
    [number],
    { generation: number; checkpoint: string | null }
  >;
  readonly #requests: Database.Statement<[string, string], ControlDbRow>;
  readonly #insert: Database.Statement<InsertParams, ControlDbRow>;
  readonly #stopWaiting: Database.Statement<{ id: number; now: number }, JobRow>;
  readonly #requeue: Database.Statement<{ id: number; now: number }, JobRow>;
  readonly #setGeneration: Database.Statement<{ id: number; generation: number }>;
  readonly #checkpoint: Database.Statement<CheckpointParams>;
  readonly #pendingStop: Database.Statement<{ id: number; key: string }, { n: number }>;
  readonly #stopRunning: Database.Statement<{ id: number; token: string; now: number }, JobRow>;
  readonly #resolve: Database.Statement<ResolveParams>;
  readonly #completeStop: Database.Transaction<
    (id: number, token: string, now: number) => StoredJob | null
  >;
  readonly #controls: ControlReads;
  readonly #failOverdue: ReturnType<typeof prepareFailOverdue>;
  readonly #runs: SqliteRunControl;
  readonly #failStops: ReturnType<typeof prepareFailStopsOfEnded>;
  readonly #apply: Database.Transaction<
    (id: number, jobId: string, by: string, now: number, decide: Decide) => ControlOutcome
  >;

  constructor(db: Database.Database) {
    this.#db = db;
    // Contract: input a job id; the row (primary key).
    this.#findJob = db.prepare("SELECT * FROM jobs WHERE id = ?");
    // Contract: input a job id; its control row, if it has one (primary key).
    this.#control = db.prepare("SELECT generation, checkpoint FROM job_control WHERE job_id = ?");
    // Contract: input (target kind, target id); its requests, oldest first
    // (control_requests_target_idx, then id order).
    this.#requests = db.prepare(
      `SELECT ${CONTROL_COLUMNS} FROM control_requests
        WHERE target_kind = ? AND target_id = ? ORDER BY id`,
    );
    // Contract: records one job request; completed ones are resolved at once.
    this.#insert = db.prepare(
      `INSERT INTO control_requests
         (target_kind, target_id, kind, generation, status, requested_by, created_at, resolved_at)
       VALUES ('job', @targetId, @kind, @generation, @status, @by, @now,
               CASE WHEN @status = 'completed' THEN @now END)
       RETURNING ${CONTROL_COLUMNS}`,
    );
    // Contract: a waiting job becomes stopped (state-guarded).
    this.#stopWaiting = db.prepare(
      `UPDATE jobs SET state = 'stopped', updated_at = @now
        WHERE id = @id AND state IN ('scheduled', 'queued', 'retrying')
        RETURNING *`,
    );
    // Contract: a stopped job is queued again, runnable now (state-guarded).
    this.#requeue = db.prepare(
      `UPDATE jobs SET state = 'queued', run_at = @now, updated_at = @now
        WHERE id = @id AND state = 'stopped'
        RETURNING *`,
    );
    // Contract: creates or moves the job's control row to `generation`.
    this.#setGeneration = db.prepare(
      `INSERT INTO job_control (job_id, generation) VALUES (@id, @generation)
       ON CONFLICT (job_id) DO UPDATE SET generation = excluded.generation`,
    );
    // Contract: saves the checkpoint only while the job runs under that lease at that
    // generation (a job without a control row is at generation 1).
    this.#checkpoint = db.prepare(
      `INSERT INTO job_control (job_id, generation, checkpoint, checkpoint_at)
       SELECT j.id, @generation, @checkpoint, @now FROM jobs j
        WHERE j.id = @id AND j.state = 'running' AND j.lease_token = @token
          AND coalesce((SELECT generation FROM job_control WHERE job_id = @id), 1) = @generation
       ON CONFLICT (job_id) DO UPDATE
         SET checkpoint = excluded.checkpoint, checkpoint_at = excluded.checkpoint_at`,
    );
    // Contract: input a job id (as a number and as its target_id text: a bound JS number is a
    // REAL, which CAST would print as "1.0"); 1 when a stop of its current generation is
    // pending (control_requests_target_idx).
    this.#pendingStop = db.prepare(
      `SELECT count(*) AS n FROM control_requests
        WHERE target_kind = 'job' AND target_id = @key AND kind = 'stop'
          AND status = 'pending'
          AND generation = coalesce((SELECT generation FROM job_control WHERE job_id = @id), 1)`,
    );
    // Contract: a job running under the lease becomes stopped, its attempt not counted (as a
    // job handed back at shutdown), progress kept.
    this.#stopRunning = db.prepare(
      `UPDATE jobs
          SET state = 'stopped', attempt = attempt - 1, started_at = NULL, updated_at = @now,
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
        WHERE id = @id AND state = 'running' AND lease_token = @token
        RETURNING *`,
    );
    // Contract: completes the job's pending request of that kind and generation, if any.
    this.#resolve = db.prepare(
      `UPDATE control_requests SET status = 'completed', resolved_at = @now
        WHERE target_kind = 'job' AND target_id = @id AND kind = @kind
          AND generation = @generation AND status = 'pending'`,
    );
    this.#completeStop = db.transaction((id: number, token: string, now: number) => {
      const row = this.#stopRunning.get({ id, token, now });
      if (row === undefined) return null;
      const generation = this.#control.get(id)?.generation ?? 1;
      this.#resolve.run({ id: String(id), kind: "stop", generation, now });
      return rowToJob(row);
    });
    this.#controls = prepareControlReads(db, this.#resolve);
    this.#failOverdue = prepareFailOverdue(db);
    this.#runs = prepareRunControl(db);
    this.#failStops = prepareFailStopsOfEnded(db);
    this.#apply = db.transaction((id, jobId, by, now, decide) => {
      const row = this.#findJob.get(id);
      if (row === undefined) throw jobNotFound(jobId);
      const job = rowToJob(row);
      const generation = this.#control.get(id)?.generation ?? 1;
      const requests = this.#requests.all("job", String(id)).map(toControlRequest);
      const decision = decide({ phase: jobPhase(job.state), generation }, requests, `job ${jobId}`);
      return this.#carryOut(decision, id, job, by, now);
    });
  }

  async stopJob(jobId: string, requestedBy: string, now: number): Promise<ControlOutcome> {
    return this.#decide("stopJob", jobId, requestedBy, now, decideStop);
  }

  async startJob(jobId: string, requestedBy: string, now: number): Promise<ControlOutcome> {
    return this.#decide("startJob", jobId, requestedBy, now, decideStart);
  }

  async listRequests(targetKind: ControlTargetKind, targetId: string): Promise<ControlRequest[]> {
    return this.#run("listRequests", () =>
      this.#requests.all(targetKind, targetId).map(toControlRequest),
    );
  }

  async generationsOf(jobIds: readonly string[]): Promise<Map<string, number>> {
    return this.#run("generationsOf", () => {
      const found = new Map<string, number>();
      for (const [jobId, control] of this.#controls.read(jobIds)) {
        if (control.generation > 1) found.set(jobId, control.generation);
      }
      return found;
    });
  }

  async jobControl(jobId: string): Promise<JobControl> {
    return this.#run("jobControl", () => {
      const id = parseJobId(jobId);
      const row = id === null ? undefined : this.#control.get(id);
      return { generation: row?.generation ?? 1, checkpointJson: row?.checkpoint ?? null };
    });
  }

  async stopsRequested(jobIds: readonly string[]): Promise<string[]> {
    return this.#run("stopsRequested", () =>
      jobIds.filter((jobId) => {
        const id = parseJobId(jobId);
        return id !== null && (this.#pendingStop.get({ id, key: String(id) })?.n ?? 0) > 0;
      }),
    );
  }

  async completeStop(jobId: string, leaseToken: string, now: number): Promise<StoredJob | null> {
    return this.#run("completeStop", () => {
      const id = parseJobId(jobId);
      return id === null ? null : this.#completeStop.immediate(id, leaseToken, now);
    });
  }

  async claimedControl(jobIds: readonly string[], now: number): Promise<Map<string, JobControl>> {
    return this.#run("claimedControl", () => {
      return this.#controls.claimed(jobIds, now);
    });
  }

  async saveCheckpoint(
    jobId: string,
    leaseToken: string,
    generation: number,
    checkpointJson: string,
    now: number,
  ): Promise<boolean> {
    return this.#run("saveCheckpoint", () => {
      const id = parseJobId(jobId);
      if (id === null) return false;
      const params = { id, token: leaseToken, generation, checkpoint: checkpointJson, now };
      return this.#checkpoint.run(params).changes > 0;
    });
  }

  async failOverdueStarts(
    askedBefore: number,
    now: number,
    error: string,
    limit: number,
  ): Promise<ControlRequest[]> {
    return this.#run("failOverdueStarts", () =>
      this.#failOverdue.immediate(askedBefore, now, error, limit),
    );
  }

  async stopRun(runId: string, requestedBy: string, now: number): Promise<RunControlOutcome> {
    return this.#run("stopRun", () => this.#runs.stopRun(runId, requestedBy, now));
  }

  async startRun(runId: string, requestedBy: string, now: number): Promise<RunControlOutcome> {
    return this.#run("startRun", () => this.#runs.startRun(runId, requestedBy, now));
  }

  async failStopsOfEnded(now: number, limit: number): Promise<ControlRequest[]> {
    return this.#run("failStopsOfEnded", () => this.#failStops.immediate(now, limit));
  }

  async pendingRunRequests(limit: number): Promise<ControlRequest[]> {
    return this.#run("pendingRunRequests", () => this.#runs.pendingRunRequests(limit));
  }

  async resolveRequest(
    requestId: string,
    status: "completed" | "failed",
    error: string | null,
    now: number,
  ): Promise<boolean> {
    return this.#run("resolveRequest", () =>
      this.#runs.resolveRequest(requestId, status, error, now),
    );
  }

  /** Stop using the connection (the job store closes it). */
  close(): void {
    this.#closed = true;
  }

  #decide(
    operation: string,
    jobId: string,
    by: string,
    now: number,
    decide: Decide,
  ): ControlOutcome {
    return this.#run(operation, () => {
      const id = parseJobId(jobId);
      if (id === null) throw jobNotFound(jobId);
      return this.#apply.immediate(id, jobId, by, now, decide);
    });
  }

  /** Write what `decision` says, inside the caller's transaction. */
  #carryOut(
    decision: ControlDecision,
    id: number,
    job: StoredJob,
    by: string,
    now: number,
  ): ControlOutcome {
    if (decision.action === "existing") return { request: decision.request, created: false, job };
    if (decision.action === "refuse") throw refusalError(decision.refusal);
    const kind = decision.effect === "requeue" ? "start" : "stop";
    const inserted = this.#insert.get({
      targetId: String(id),
      kind,
      generation: decision.generation,
      status: decision.status,
      by,
      now,
    });
    if (inserted === undefined) throw new Error(`control request for job ${id} not recorded`);
    let after = job;
    if (decision.effect === "stop_now" && job.state !== "stopped") {
      after = this.#changed(this.#stopWaiting.get({ id, now }), id, "stopped");
    } else if (decision.effect === "requeue") {
      this.#setGeneration.run({ id, generation: decision.generation });
      after = this.#changed(this.#requeue.get({ id, now }), id, "queued");
    }
    return { request: toControlRequest(inserted), created: true, job: after };
  }

  #changed(row: JobRow | undefined, id: number, to: string): StoredJob {
    if (row === undefined) throw new Error(`job ${id} did not move to ${to} (state changed?)`);
    return rowToJob(row);
  }

  #run<T>(operation: string, body: () => T): T {
    if (this.#closed) {
      throw new ShuttingDownError(
        `the SQLite control store is closed; ${operation} was called after close()`,
      );
    }
    try {
      return body();
    } catch (error) {
      throw toStoreError(operation, error, "control store", this.#db.name);
    }
  }
}
