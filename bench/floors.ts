/**
 * @module bench/floors
 * The floors: what bare better-sqlite3 can do on the same machine, with the same table shape
 * as Kairos's `jobs` table, so Kairos's throughput can be read as a ratio against them.
 *
 * Both floors open a fresh file with WAL and synchronous=NORMAL, insert N queued jobs in
 * transactions of 1,000 rows (floor (b) reports that time as the floor's enqueue, the shape of
 * Kairos's `enqueueMany` x1,000), then time the loop until every job is `succeeded`:
 *
 * (a) one transaction per job. Each iteration is ONE `db.transaction`:
 *       SELECT id, payload FROM jobs WHERE state = 'queued'
 *         ORDER BY priority DESC, run_at, id LIMIT 1            -- served by jobs_claim
 *       UPDATE jobs SET state = 'running', attempt + 1, started_at, updated_at, lease_owner,
 *         lease_expires_at, lease_token = random 16 bytes hex WHERE id = ? AND state = 'queued'
 *       JSON.parse(payload); the synchronous no-op handler; JSON.stringify(result)
 *       UPDATE jobs SET state = 'succeeded', result, finished_at, updated_at, lease cleared
 *         WHERE id = ? AND state = 'running' AND lease_token = ?   -- compare-and-set
 *     COMMIT. better-sqlite3 transactions are synchronous, so the handler cannot be awaited
 *     inside one; the floor therefore pays no promise/event-loop cost per job.
 *
 * (b) batched by 100. One transaction claims 100 jobs with a single
 *       UPDATE jobs SET state = 'running', ..., lease_token = <per-row random>
 *         WHERE id IN (SELECT id FROM jobs WHERE state = 'queued'
 *                      ORDER BY priority DESC, run_at, id LIMIT 100)
 *         RETURNING id, payload, lease_token
 *     then runs the synchronous no-op for each (outside any transaction), then ONE transaction
 *     completes the 100 with the same compare-and-set UPDATE as (a), executed per job.
 *
 * Neither floor uses a worker pool, timers, leases renewal, events or an async handler: they
 * are the SQL cost of claim + finalize and nothing else.
 */
import Database from "better-sqlite3";
import path from "node:path";
import { perSecond } from "./stats.js";
import type { RssSampler } from "./rss.js";
import type { ThroughputResult } from "./types.js";

/** Same columns as Kairos's jobs table; the claim index on (state, priority DESC, run_at, id). */
const SCHEMA = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fn TEXT NOT NULL,
  state TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  payload TEXT NOT NULL,
  result TEXT,
  error TEXT,
  priority INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  idempotency_key TEXT,
  concurrency_key TEXT,
  concurrency_limit INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  lease_token TEXT,
  cancel_requested_at INTEGER
);
CREATE INDEX jobs_claim ON jobs (state, priority DESC, run_at, id);
`;

const WORKER_ID = "floor-worker";
const LEASE_MS = 30_000;
const BATCH = 100;
/** Sample RSS every this many jobs: the synchronous loops starve the 50 ms sampler timer. */
const SAMPLE_EVERY = 500;

/** The no-op handler of the floors: synchronous, returns null like Kairos's `async () => null`. */
function noop(_payload: unknown): null {
  return null;
}

/** Rows per insert transaction when seeding: the shape of Kairos's `enqueueMany` x1,000. */
const ENQUEUE_BATCH = 1_000;

/**
 * Open a fresh floor database in `dir` and insert `jobs` queued no-op jobs, in transactions of
 * ENQUEUE_BATCH rows; returns the database and how long the inserts took (the floor's enqueue).
 */
function openSeeded(dir: string, jobs: number): { db: Database.Database; enqueueMs: number } {
  const db = new Database(path.join(dir, "floor.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(SCHEMA);
  const insert = db.prepare(
    `INSERT INTO jobs (fn, state, max_attempts, payload, priority, run_at, created_at, updated_at)
     VALUES ('noop', 'queued', 1, ?, 0, ?, ?, ?)`,
  );
  const insertBatch = db.transaction((from: number, to: number) => {
    const now = Date.now();
    for (let i = from; i < to; i++) insert.run(JSON.stringify({ i }), now, now, now);
  });
  const t0 = performance.now();
  for (let from = 0; from < jobs; from += ENQUEUE_BATCH) {
    insertBatch(from, Math.min(jobs, from + ENQUEUE_BATCH));
  }
  return { db, enqueueMs: performance.now() - t0 };
}

/** Throws unless every job ended `succeeded`: a floor that skips work would flatter itself. */
function assertAllSucceeded(db: Database.Database, jobs: number): void {
  const row = db.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'succeeded'`).get() as {
    n: number;
  };
  if (row.n !== jobs) throw new Error(`floor finished with ${row.n}/${jobs} jobs succeeded`);
}

const COMPLETE_SQL = `
  UPDATE jobs SET state = 'succeeded', result = ?, finished_at = ?, updated_at = ?,
    lease_owner = NULL, lease_expires_at = NULL
  WHERE id = ? AND state = 'running' AND lease_token = ?`;

/** Floor (a): one transaction per job (select + mark running + no-op + mark succeeded). */
export function floorOneTxPerJob(dir: string, jobs: number, rss: RssSampler): ThroughputResult {
  const { db } = openSeeded(dir, jobs);
  try {
    const select = db.prepare(
      `SELECT id, payload FROM jobs WHERE state = 'queued'
       ORDER BY priority DESC, run_at, id LIMIT 1`,
    );
    const markRunning = db.prepare(
      `UPDATE jobs SET state = 'running', attempt = attempt + 1, started_at = ?, updated_at = ?,
         lease_owner = ?, lease_expires_at = ?, lease_token = lower(hex(randomblob(16)))
       WHERE id = ? AND state = 'queued'
       RETURNING lease_token`,
    );
    const complete = db.prepare(COMPLETE_SQL);
    const runOne = db.transaction((): boolean => {
      const job = select.get() as { id: number; payload: string } | undefined;
      if (job === undefined) return false;
      const now = Date.now();
      const claimed = markRunning.get(now, now, WORKER_ID, now + LEASE_MS, job.id) as
        { lease_token: string } | undefined;
      if (claimed === undefined) throw new Error(`job ${job.id} vanished while claiming`);
      const result = JSON.stringify(noop(JSON.parse(job.payload)));
      const done = Date.now();
      complete.run(result, done, done, job.id, claimed.lease_token);
      return true;
    });

    const t0 = performance.now();
    let processed = 0;
    while (runOne()) {
      if (++processed % SAMPLE_EVERY === 0) rss.sample();
    }
    const elapsedMs = performance.now() - t0;
    assertAllSucceeded(db, jobs);
    return { kind: "throughput", jobs, elapsedMs, jobsPerSec: perSecond(jobs, elapsedMs) };
  } finally {
    db.close();
  }
}

/** Floor (b): claim 100 in one transaction, run the no-ops, complete 100 in one transaction. */
export function floorBatched(dir: string, jobs: number, rss: RssSampler): ThroughputResult {
  const { db, enqueueMs } = openSeeded(dir, jobs);
  try {
    const claim = db.prepare(
      `UPDATE jobs SET state = 'running', attempt = attempt + 1, started_at = ?, updated_at = ?,
         lease_owner = ?, lease_expires_at = ?, lease_token = lower(hex(randomblob(16)))
       WHERE id IN (SELECT id FROM jobs WHERE state = 'queued'
                    ORDER BY priority DESC, run_at, id LIMIT ?)
       RETURNING id, payload, lease_token`,
    );
    const complete = db.prepare(COMPLETE_SQL);
    type Claimed = { id: number; payload: string; lease_token: string };
    const claimBatch = db.transaction((): Claimed[] => {
      const now = Date.now();
      return claim.all(now, now, WORKER_ID, now + LEASE_MS, BATCH) as Claimed[];
    });
    const completeBatch = db.transaction((done: readonly { job: Claimed; result: string }[]) => {
      const now = Date.now();
      for (const { job, result } of done) complete.run(result, now, now, job.id, job.lease_token);
    });

    const t0 = performance.now();
    let processed = 0;
    for (;;) {
      const batch = claimBatch();
      if (batch.length === 0) break;
      const done = batch.map((job) => ({
        job,
        result: JSON.stringify(noop(JSON.parse(job.payload))),
      }));
      completeBatch(done);
      processed += batch.length;
      if (processed % SAMPLE_EVERY === 0) rss.sample();
    }
    const elapsedMs = performance.now() - t0;
    assertAllSucceeded(db, jobs);
    return {
      kind: "throughput",
      jobs,
      elapsedMs,
      jobsPerSec: perSecond(jobs, elapsedMs),
      enqueueJobsPerSec: perSecond(jobs, enqueueMs),
    };
  } finally {
    db.close();
  }
}
