/**
 * @module config/workflow-schema
 * The zod schema of the `workflows:` section of `kairos.yaml`: the shape of each workflow and
 * task (types, unknown keys rejected, trigger rule names, time zones). Values are kept as
 * written (durations and dates stay text): their meaning, the graph (cycles, unknown and
 * duplicate ids), the schedule's cron and the params are checked by `validateWorkflow`
 * (core/workflows) through `config/validate-workflows`, and normalized by `normalizeWorkflow`.
 */
import { z } from "zod";
import { TRIGGER_RULES } from "../core/workflows/trigger-rules.js";
import { TimeZoneSchema } from "./timezone.js";

const WORKFLOW_NAME = /^[A-Za-z0-9_.:-]{1,200}$/;
const NAME_RULE = 'must be 1-200 characters of letters, digits, "_", ".", ":" or "-"';

const id = (what: string) =>
  z
    .string()
    .regex(WORKFLOW_NAME, { error: NAME_RULE })
    .describe(`${what}: 1-200 characters of letters, digits, "_", ".", ":" or "-"`);

const durationText = (what: string) =>
  z
    .union([z.string(), z.number()], {
      error: 'expected a duration such as "30s", "5m" or "1h", or a number of milliseconds',
    })
    .describe(`${what}: a duration such as "30s", "5m", "1h", or a number of milliseconds`);

const date = (what: string) =>
  z
    .union([z.string(), z.number()], {
      error:
        'expected a date such as "2026-01-01" or "2026-01-01T03:00:00Z", or ms since the epoch',
    })
    .describe(
      `${what}: "2026-01-01" (midnight in the schedule's timezone), a date-time with Z or an offset, or ms since the epoch`,
    );

const timezone = TimeZoneSchema.describe(
  'IANA time zone the cron expression and date-only dates are read in (default "UTC")',
);

/** A task's per-key concurrency limit. */
export const TaskConcurrencySchema = z
  .strictObject({
    key: z.string().min(1).describe("Concurrency key shared with other jobs"),
    limit: z.int().min(1).describe("Tries with this key at once"),
  })
  .describe("At most `limit` tries with this key run at once");

/** One task of a workflow, as written. */
export const TaskSchema = z
  .strictObject({
    id: id("Task id, unique in the workflow"),
    fn: z
      .string()
      .describe("Function each try runs: declared under functions, or known to the store"),
    payload: z.unknown().describe("Payload template of each try (any JSON value)").optional(),
    dependsOn: z.array(z.string()).describe("Ids of the tasks this one runs after").optional(),
    triggerRule: z
      .enum(TRIGGER_RULES)
      .describe("When the task runs given its upstreams' states (default all_success)")
      .optional(),
    retries: z.int().min(0).describe("Retries after the first try (default 0)").optional(),
    retryDelay: durationText("Delay before a retry (default 5m)").optional(),
    retryExponentialBackoff: z
      .boolean()
      .describe("Double the delay on each retry (default false)")
      .optional(),
    maxRetryDelay: durationText(
      "Upper bound of a retry delay (default and at most 24h)",
    ).optional(),
    timeout: durationText("Per-try timeout (default none)").optional(),
    concurrency: TaskConcurrencySchema.optional(),
  })
  .describe("A task: one function call per try");

/** A workflow's schedule: `{ cron, timezone }` or `{ every }` (checked by validate-workflows). */
export const WorkflowScheduleSchema = z
  .strictObject({
    cron: z.string().describe('Cron expression, e.g. "0 3 * * *"; one of cron/every').optional(),
    timezone: timezone.optional(),
    every: durationText("Fixed interval between runs; one of cron/every").optional(),
  })
  .describe("When runs are created: { cron, timezone } or { every }");

/** One workflow, as written. */
export const WorkflowSchema = z
  .strictObject({
    name: id("Workflow name, unique in the file"),
    tasks: z.array(TaskSchema).describe("The tasks of the DAG"),
    schedule: WorkflowScheduleSchema.optional(),
    startDate: date("First logical date").optional(),
    endDate: date("Last logical date").optional(),
    catchup: z
      .boolean()
      .describe("Create a run for every missed interval since startDate (default false)")
      .optional(),
    runSemantics: z
      .enum(["dataInterval", "trigger"])
      .describe("dataInterval: a run fires at its interval's end (default); trigger: at its date")
      .optional(),
    maxActiveRuns: z.int().min(1).describe("Runs of this workflow at once (default 16)").optional(),
    maxActiveTasks: z.int().min(1).describe("Running tasks per run (default 16)").optional(),
    params: z
      .record(z.string(), z.unknown())
      .describe("Params with their JSON defaults; a manual run may override them")
      .optional(),
  })
  .describe("A workflow: a DAG of tasks, optionally scheduled");

/** The keys each object of a workflow accepts, for "did you mean" on an unknown key. */
export const WORKFLOW_KNOWN_KEYS = {
  workflow: Object.keys(WorkflowSchema.shape),
  task: Object.keys(TaskSchema.shape),
  schedule: Object.keys(WorkflowScheduleSchema.shape),
  concurrency: Object.keys(TaskConcurrencySchema.shape),
} as const;
