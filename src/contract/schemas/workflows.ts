/**
 * @module contract/schemas/workflows
 * Workflows and runs on the wire.
 */
import { z } from "@hono/zod-openapi";
import { RUN_STATES, TASK_STATES } from "../../core/workflows/states.js";
import {
  AnyJson,
  controlRequest,
  Instant,
  InstantInput,
  LimitQuery,
  NullableInstant,
  list,
  page,
} from "./common.js";
import { JobErrorInfo } from "./jobs.js";

/** A workflow (definition as declared, normalized). */
export const Workflow = z
  .object({
    name: z.string(),
    definition: z.record(z.string(), z.unknown()),
    source: z.enum(["config", "api"]),
    paused: z.boolean(),
    pauseNote: z.string().nullable(),
    latestLogicalDate: NullableInstant,
    nextRunAfter: NullableInstant,
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("Workflow");

/** GET /workflows query. */
export const WorkflowListQuery = z.object({ source: z.enum(["config", "api"]).optional() });
export const WorkflowPage = page(Workflow).openapi("WorkflowPage");

/** One workflow history entry. */
export const WorkflowHistoryItem = z
  .object({
    at: Instant,
    kind: z.string(),
    logicalDate: NullableInstant,
    runId: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .openapi("WorkflowHistoryItem");
export const WorkflowHistory = list(WorkflowHistoryItem).openapi("WorkflowHistory");

/** A run. */
export const WorkflowRun = z
  .object({
    id: z.string(),
    workflow: z.string(),
    logicalDate: Instant,
    dataInterval: z.object({ start: Instant, end: Instant }),
    runType: z.string(),
    state: z.enum(RUN_STATES),
    params: z.record(z.string(), z.unknown()),
    note: z.string().nullable(),
    createdAt: Instant,
    startedAt: NullableInstant,
    finishedAt: NullableInstant,
    updatedAt: Instant,
  })
  .openapi("WorkflowRun");

/** One task instance of a run. */
export const TaskInstance = z
  .object({
    taskId: z.string(),
    dependsOn: z.array(z.string()),
    state: z.enum(TASK_STATES),
    tryNumber: z.number(),
    maxTries: z.number(),
    jobId: z.string().nullable(),
    retryDueAt: NullableInstant,
    queuedAt: NullableInstant,
    startedAt: NullableInstant,
    finishedAt: NullableInstant,
    error: JobErrorInfo.nullable(),
    note: z.string().nullable(),
  })
  .openapi("TaskInstance");

/** A run with its task instances. */
export const WorkflowRunDetail = WorkflowRun.extend({ tasks: z.array(TaskInstance) }).openapi(
  "WorkflowRunDetail",
);

/** POST /workflows/{name}/runs. */
export const TriggerRunBody = z
  .object({
    params: z.record(z.string(), AnyJson).optional(),
    logicalDate: InstantInput.optional(),
    note: z.string().optional(),
  })
  .strict()
  .openapi("TriggerRunBody");

/** POST /workflows/{name}/backfill. */
export const BackfillBody = z
  .object({
    from: InstantInput,
    to: InstantInput,
    params: z.record(z.string(), AnyJson).optional(),
  })
  .strict()
  .openapi("BackfillBody");

/** The final progress of a backfill. */
export const BackfillProgress = z
  .object({
    created: z.number(),
    existing: z.number(),
    total: z.number(),
    runIds: z.array(z.string()),
  })
  .openapi("BackfillProgress");

/** GET /runs query. */
export const RunListQuery = z.object({
  workflow: z.string().optional(),
  state: z.string().optional(),
  limit: LimitQuery,
  cursor: z.string().optional().openapi({ description: "nextCursor: the last run's logical date" }),
});
export const RunPage = page(WorkflowRun).openapi("RunPage");

/** POST /runs/{id}/clear. */
export const ClearBody = z
  .object({
    tasks: z.array(z.string().min(1)).min(1),
    downstream: z.boolean().optional(),
    onlyFailed: z.boolean().optional(),
  })
  .strict()
  .openapi("ClearBody");

/** POST /runs/{id}/tasks/{task}/mark. */
export const MarkBody = z
  .object({ state: z.enum(["success", "failed", "skipped"]), downstream: z.boolean().optional() })
  .strict()
  .openapi("MarkBody");

/** PUT /runs/{id}/note. */
export const RunNoteBody = z
  .object({ note: z.string().nullable(), task: z.string().min(1).optional() })
  .strict()
  .openapi("RunNoteBody");

/** Path `{id}/tasks/{task}`. */
export const RunTaskParams = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: "id", in: "path" } }),
  task: z
    .string()
    .min(1)
    .openapi({ param: { name: "task", in: "path" } }),
});

/** GET /runs/{id}/tasks/{task}/why answer. */
export const TaskWhy = z
  .object({
    runId: z.string(),
    taskId: z.string(),
    state: z.string(),
    summary: z.string(),
    lines: z.array(z.string()),
  })
  .openapi("TaskWhy");

/** One try of a task (runtime/workflows/task-tries `TaskTry`): each try is its own job. */
export const TaskTry = z
  .object({
    tryNumber: z.number().int(),
    jobId: z.string(),
    state: z.string(),
    attempt: z.number().int(),
    createdAt: Instant,
    startedAt: NullableInstant,
    finishedAt: NullableInstant,
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi("TaskTry");

/** GET /runs/{id}/tasks/{task}/tries answer: every try, oldest first. */
export const TaskTryList = z.object({ items: z.array(TaskTry) }).openapi("TaskTryList");

/** A run's stop or start request (runtime/workflows/run-control `RunControlRequest`). */
export const RunControlRequest = controlRequest("runId").openapi("RunControlRequest");
