/**
 * @module contract/schemas/config
 * POST /plan and /apply: a kairos.yaml as text with its variables, and the plan.
 */
import { z } from "@hono/zod-openapi";

/** A kairos.yaml to plan or apply. */
export const ApplyBody = z
  .object({
    file: z.string().min(1),
    text: z.string(),
    vars: z.record(z.string(), z.string()).default({}),
    prune: z.boolean().optional(),
    allowUnknown: z.boolean().optional(),
  })
  .strict()
  .openapi("ApplyBody");

/** One line of a plan. */
export const PlanItem = z
  .object({
    kind: z.enum(["function", "schedule", "workflow"]),
    name: z.string(),
    action: z.string(),
    fields: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })).optional(),
  })
  .openapi("PlanItem");

/** One change a schedule backend's sync made (or, dry, would make). */
export const BackendChange = z
  .object({
    op: z.enum(["create", "update", "prune", "unchanged"]),
    name: z.string().openapi({ description: "The Kairos schedule" }),
    resource: z.string().openapi({ description: "The backend's object, e.g. the CronJob" }),
    fields: z.array(z.string()).openapi({ description: "For update: the fields that drifted" }),
  })
  .openapi("BackendChange");

/** What an apply did (or, dry, would do). */
export const ApplyResult = z
  .object({
    dryRun: z.boolean(),
    items: z.array(PlanItem),
    warnings: z.array(z.string()),
    backend: z
      .object({
        location: z.string(),
        changes: z.array(BackendChange),
        warnings: z.array(z.string()),
      })
      .optional()
      .openapi({
        description:
          "With scheduler.backend kubernetes: the CronJobs the sync created, updated, pruned",
      }),
  })
  .openapi("ApplyResult");
