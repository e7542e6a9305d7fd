/**
 * @module cli/backend-plan
 * Print what an apply did to a schedule backend (Kubernetes CronJobs) in the style of the
 * store's plan: one line per CronJob with a sign, the drifted fields of each update, a summary.
 */
import type { ApplyResult } from "../runtime/client.js";

type BackendChange = NonNullable<ApplyResult["backend"]>["changes"][number];

const SIGNS: Record<BackendChange["op"], string> = {
  create: "+ create",
  update: "~ update",
  unchanged: "= unchanged",
  prune: "- prune",
};

/**
 * The changes as text, under a heading naming `location`, then `CronJobs: N to create, N to
 * update, N unchanged, N to prune.`
 */
export function formatBackendChanges(location: string, changes: readonly BackendChange[]): string {
  const lines = changes.map((c) => {
    const head =
      `${SIGNS[c.op]} cronjob ${c.resource}` +
      (c.resource === c.name ? "" : ` (schedule ${c.name})`);
    return c.op === "update" && c.fields.length > 0 ? `${head}: ${c.fields.join(", ")}` : head;
  });
  const count = (op: BackendChange["op"]): number => changes.filter((c) => c.op === op).length;
  const summary =
    `CronJobs: ${count("create")} to create, ${count("update")} to update, ` +
    `${count("unchanged")} unchanged, ${count("prune")} to prune.`;
  return [`${location}:`, ...lines, ...(lines.length > 0 ? [""] : []), summary].join("\n");
}
