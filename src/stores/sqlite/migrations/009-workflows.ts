/**
 * @module stores/sqlite/migrations/009-workflows
 * Migration 9: workflows, their runs, task instances and history (ports/workflow-store).
 *
 * - `workflows`: one row per workflow name; `definition` is the normalized definition as JSON
 *   text; runtime state (paused, cursor `latest_logical_date`, `next_run_after`) beside it.
 *   `workflows_due_idx` serves dueWorkflows / nextRunAfter (unpaused only).
 * - `workflow_runs`: UNIQUE (workflow, logical_date) is run identity, across processes.
 *   `definition` is the snapshot the run executes, `params` its params, both JSON text.
 *   Indexes: `workflow_runs_workflow_state_idx` (queued runs oldest first, running count,
 *   listRuns by workflow and state), `workflow_runs_state_idx` (listRuns by state, workflows
 *   with queued runs), `workflow_runs_logical_idx` (listRuns order), `workflow_runs_plan_idx`
 *   and `workflow_runs_plan_at_idx` (runsToPlan, nextPlanAt), `workflow_runs_progress_idx`
 *   (stalledRuns). Deleting a workflow deletes its runs (cascade).
 * - `task_instances`: PRIMARY KEY (run_id, task_id); `job_id` is the current try's job (no
 *   foreign key: jobs outlive retention independently). `task_instances_job_idx` serves the
 *   completion hook and taskContext; `task_instances_queued_idx` queuedTasksBefore.
 * - `workflow_history`: entries per workflow, newest first by id; cascade with the workflow.
 */

/** The SQL text of migration 9. */
export const sql = `
CREATE TABLE workflows (
  name                TEXT    NOT NULL PRIMARY KEY,
  definition          TEXT    NOT NULL,
  source              TEXT    NOT NULL,
  paused              INTEGER NOT NULL DEFAULT 0,
  pause_note          TEXT,
  latest_logical_date INTEGER,
  next_run_after      INTEGER,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);

CREATE INDEX workflows_due_idx ON workflows (next_run_after, name)
  WHERE paused = 0 AND next_run_after IS NOT NULL;

CREATE TABLE workflow_runs (
  id               INTEGER PRIMARY KEY,
  workflow         TEXT    NOT NULL REFERENCES workflows (name) ON DELETE CASCADE,
  logical_date     INTEGER NOT NULL,
  interval_start   INTEGER NOT NULL,
  interval_end     INTEGER NOT NULL,
  run_type         TEXT    NOT NULL,
  state            TEXT    NOT NULL,
  params           TEXT    NOT NULL,
  definition       TEXT    NOT NULL,
  note             TEXT,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  updated_at       INTEGER NOT NULL,
  last_progress_at INTEGER NOT NULL,
  needs_plan       INTEGER NOT NULL DEFAULT 0,
  next_plan_at     INTEGER,
  UNIQUE (workflow, logical_date)
);

CREATE INDEX workflow_runs_workflow_state_idx ON workflow_runs (workflow, state, logical_date);
CREATE INDEX workflow_runs_state_idx ON workflow_runs (state, logical_date);
CREATE INDEX workflow_runs_logical_idx ON workflow_runs (logical_date, id);
CREATE INDEX workflow_runs_plan_idx ON workflow_runs (updated_at, id)
  WHERE state = 'running' AND needs_plan = 1;
CREATE INDEX workflow_runs_plan_at_idx ON workflow_runs (next_plan_at)
  WHERE state = 'running' AND next_plan_at IS NOT NULL;
CREATE INDEX workflow_runs_progress_idx ON workflow_runs (last_progress_at, id)
  WHERE state = 'running';

CREATE TABLE task_instances (
  run_id       INTEGER NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
  task_id      TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  try_number   INTEGER NOT NULL,
  max_tries    INTEGER NOT NULL,
  job_id       INTEGER,
  retry_due_at INTEGER,
  queued_at    INTEGER,
  started_at   INTEGER,
  finished_at  INTEGER,
  error        TEXT,
  note         TEXT,
  outcome      TEXT,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (run_id, task_id)
) WITHOUT ROWID;

CREATE INDEX task_instances_job_idx ON task_instances (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX task_instances_queued_idx ON task_instances (queued_at) WHERE state = 'queued';

CREATE TABLE workflow_history (
  id           INTEGER PRIMARY KEY,
  workflow     TEXT    NOT NULL REFERENCES workflows (name) ON DELETE CASCADE,
  at           INTEGER NOT NULL,
  kind         TEXT    NOT NULL,
  logical_date INTEGER,
  run_id       INTEGER,
  reason       TEXT
);

CREATE INDEX workflow_history_workflow_idx ON workflow_history (workflow, id);
`;
