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

/** What an apply did (or, dry, would do). */
export const ApplyResult = z
  .object({ dryRun: z.boolean(), items: z.array(PlanItem), warnings: z.array(z.string()) })
  .openapi("ApplyResult");
