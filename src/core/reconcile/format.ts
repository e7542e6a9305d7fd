/**
 * @module core/reconcile/format
 * Print a reconcile plan like Terraform: one line per object (function, schedule, workflow)
 * with a sign for its action, the changed fields of each update, and a summary line.
 */
import { canonicalJson } from "../canonical-json.js";
import type { PlanFieldChange, PlanItem, ReconcilePlan } from "./types.js";

const SIGNS: Record<PlanItem["action"], string> = {
  create: "+ create",
  update: "~ update",
  unchanged: "= unchanged",
  prune: "- prune",
  would_prune: "! would prune",
};

/** Fields whose values are durations in ms (shown as "30s", "1h"); matched on the last segment. */
const DURATION_FIELDS = new Set([
  "every",
  "catchupWindow",
  "jitter",
  "retryDelay",
  "maxRetryDelay",
  "timeout",
]);

/** Fields whose values are instants in ms (shown as ISO 8601). */
const INSTANT_FIELDS = new Set(["at", "startDate", "endDate"]);

/** The plan as text, one line per item, then `Plan: N to create, N to update, N unchanged, N to prune.` */
export function formatPlan(plan: ReconcilePlan): string {
  const lines = plan.items.map(formatItem);
  const count = (action: PlanItem["action"]): number =>
    plan.items.filter((i) => i.action === action).length;
  const held = count("would_prune");
  const summary =
    `Plan: ${count("create")} to create, ${count("update")} to update, ` +
    `${count("unchanged")} unchanged, ${count("prune")} to prune` +
    (held > 0 ? ` (${held} would be pruned with --prune).` : ".");
  return [...lines, ...(lines.length > 0 ? [""] : []), summary].join("\n");
}

function formatItem(item: PlanItem): string {
  const head = `${SIGNS[item.action]} ${item.kind} ${item.name}`;
  if (item.action === "would_prune") return `${head} (run with --prune to delete)`;
  if (item.action !== "update" || item.fields === undefined || item.fields.length === 0) {
    return head;
  }
  return `${head}: ${item.fields.map(formatField).join(", ")}`;
}

function formatField(change: PlanFieldChange): string {
  return `${change.field} ${formatValue(change.field, change.from)} -> ${formatValue(change.field, change.to)}`;
}

function formatValue(field: string, value: unknown): string {
  if (value === null || value === undefined) return "(none)";
  if (typeof value === "number") {
    const last = field.split(".").at(-1) ?? field;
    if (DURATION_FIELDS.has(last) || /Ms$/.test(field)) return formatDuration(value);
    if (INSTANT_FIELDS.has(last)) return new Date(value).toISOString();
    return String(value);
  }
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  try {
    return canonicalJson(value);
  } catch {
    return "(unprintable)";
  }
}

/** Milliseconds as a compact duration: 90000 -> "1m30s", 1500 -> "1s500ms", 0 -> "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) return `${ms}ms`;
  if (ms === 0) return "0s";
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1_000],
    ["ms", 1],
  ];
  let rest = ms;
  let out = "";
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
