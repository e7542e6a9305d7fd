/**
 * @module stores/postgres/migrations/008-workflows
 * Migration 8: workflows, their runs, task instances and history (ports/workflow-store). Same
 * tables and meaning as the SQLite workflow migration.
 *
 * Invariants the schema carries:
 * - One run per (workflow, logical_date): the UNIQUE constraint, across processes (createRun
 *   and createScheduledRuns insert with ON CONFLICT DO NOTHING on it).
 * - A run belongs to a stored workflow, a task instance to its run, a history entry to its
 *   workflow: foreign keys with ON DELETE CASCADE, so `deleteWorkflow` is one DELETE. Jobs of
 *   deleted runs are kept (no foreign key from jobs, as for schedules).
 * - Run ids come from an identity column and are never reused (a job's origin id names one run
 *   forever; a reused id would make an old job's completion land on a new run).
 *
 * Instants are BIGINT ms since the epoch, like the jobs tables. The definition and params are
 * TEXT holding JSON, not jsonb: the store never queries inside them, TEXT returns exactly the
 * JSON the adapter wrote (jsonb would re-order keys and normalise numbers), and it matches the
 * jobs' payload/result columns and the SQLite adapter. Enumerations (run state, task state,
 * run type, history kind, source) are validated by the core, not by CHECK constraints, as in
 * the other tables.
 *
 * Indexes, one per query the port names: due workflows / next look (`workflows_due_idx`),
 * runs to plan and the next plan instant (`workflow_runs_plan_idx`, `workflow_runs_next_plan_idx`),
 * stalled runs (`workflow_runs_progress_idx`), queued runs per workflow and running counts
 * (`workflow_runs_queued_idx`, `workflow_runs_running_idx`), listRuns newest first
 * (the unique (workflow, logical_date), `workflow_runs_logical_idx`, `workflow_runs_state_idx`),
 * queued tasks (`task_instances_queued_idx`), a task by its job (`task_instances_job_idx`:
 * taskContext), history newest first (`workflow_history_workflow_idx`).
 */

/** The SQL text of migration 8 for schema `s` (a quoted identifier). */
export const sql = (s: string): string => `
CREATE TABLE ${s}.workflows (
  name                TEXT    PRIMARY KEY,
  definition          TEXT    NOT NULL,
  source              TEXT    NOT NULL,
  paused              BOOLEAN NOT NULL DEFAULT false,
  pause_note          TEXT,
  latest_logical_date BIGINT,
  next_run_after      BIGINT,
  created_at          BIGINT  NOT NULL,
  updated_at          BIGINT  NOT NULL
);

-- The workflow scheduler's tick: due workflows earliest first, and the earliest next look.
CREATE INDEX workflows_due_idx ON ${s}.workflows (next_run_after, name)
  WHERE NOT paused AND next_run_after IS NOT NULL;

CREATE TABLE ${s}.workflow_runs (
  id               BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workflow         TEXT    NOT NULL REFERENCES ${s}.workflows (name) ON DELETE CASCADE,
  logical_date     BIGINT  NOT NULL,
  interval_start   BIGINT  NOT NULL,
  interval_end     BIGINT  NOT NULL,
  run_type         TEXT    NOT NULL,
  state            TEXT    NOT NULL,
  params           TEXT    NOT NULL,
  definition       TEXT    NOT NULL,
  note             TEXT,
  created_at       BIGINT  NOT NULL,
  started_at       BIGINT,
  finished_at      BIGINT,
  updated_at       BIGINT  NOT NULL,
  last_progress_at BIGINT  NOT NULL,
  needs_plan       BOOLEAN NOT NULL DEFAULT false,
  next_plan_at     BIGINT,
  CONSTRAINT workflow_runs_identity UNIQUE (workflow, logical_date)
);

-- listRuns without a workflow, newest logical date first (with or without a state).
CREATE INDEX workflow_runs_logical_idx ON ${s}.workflow_runs (logical_date, id);
CREATE INDEX workflow_runs_state_idx ON ${s}.workflow_runs (state, logical_date, id);
-- startQueuedRuns (oldest queued first) and workflowsWithQueuedRuns.
CREATE INDEX workflow_runs_queued_idx ON ${s}.workflow_runs (workflow, logical_date)
  WHERE state = 'queued';
-- The running count of a workflow (maxActiveRuns).
CREATE INDEX workflow_runs_running_idx ON ${s}.workflow_runs (workflow)
  WHERE state = 'running';
-- runsToPlan: running runs that need a plan, oldest change first.
CREATE INDEX workflow_runs_plan_idx ON ${s}.workflow_runs (last_progress_at, id)
  WHERE state = 'running' AND needs_plan;
-- runsToPlan (a plan due) and nextPlanAt.
CREATE INDEX workflow_runs_next_plan_idx ON ${s}.workflow_runs (next_plan_at)
  WHERE state = 'running' AND next_plan_at IS NOT NULL;
-- stalledRuns: running runs by last progress.
CREATE INDEX workflow_runs_progress_idx ON ${s}.workflow_runs (last_progress_at, id)
  WHERE state = 'running';

CREATE TABLE ${s}.task_instances (
  run_id       BIGINT  NOT NULL REFERENCES ${s}.workflow_runs (id) ON DELETE CASCADE,
  task_id      TEXT    NOT NULL,
  position     INTEGER NOT NULL,
  state        TEXT    NOT NULL,
  try_number   INTEGER NOT NULL,
  max_tries    INTEGER NOT NULL,
  job_id       BIGINT,
  retry_due_at BIGINT,
  queued_at    BIGINT,
  started_at   BIGINT,
  finished_at  BIGINT,
  error        TEXT,
  note         TEXT,
  outcome      TEXT,
  updated_at   BIGINT  NOT NULL,
  PRIMARY KEY (run_id, task_id)
);

-- taskContext and the completion hook's match on the task's current job.
CREATE INDEX task_instances_job_idx ON ${s}.task_instances (job_id) WHERE job_id IS NOT NULL;
-- queuedTasksBefore: queued tasks, oldest first.
CREATE INDEX task_instances_queued_idx ON ${s}.task_instances (queued_at)
  WHERE state = 'queued';

CREATE TABLE ${s}.workflow_history (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workflow     TEXT   NOT NULL REFERENCES ${s}.workflows (name) ON DELETE CASCADE,
  at           BIGINT NOT NULL,
  kind         TEXT   NOT NULL,
  logical_date BIGINT,
  run_id       BIGINT,
  reason       TEXT
);

-- History of one workflow, newest first; also serves the ON DELETE CASCADE lookup.
CREATE INDEX workflow_history_workflow_idx ON ${s}.workflow_history (workflow, at, id);
`;
