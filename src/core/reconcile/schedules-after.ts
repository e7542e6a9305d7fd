/**
 * @module core/reconcile/schedules-after
 * The `config` schedules a store holds once a reconcile plan's changes are applied, computed
 * without applying them: what `kairos apply --dry-run` shows a schedule backend would get.
 * Pure.
 */
import type { ScheduleDeclaration } from "../schedules/types.js";
import type { PlanChange } from "./types.js";

/**
 * `stored`'s `config` schedules with `changes` applied: created ones added, updated ones with
 * their changed fields, deleted ones gone; `api` schedules are left out. Ordered by name.
 */
export function configSchedulesAfter(
  stored: readonly ScheduleDeclaration[],
  changes: readonly PlanChange[],
): ScheduleDeclaration[] {
  const byName = new Map(
    stored.filter((s) => s.source === "config").map((s) => [s.name, s] as const),
  );
  for (const change of changes) {
    if (change.op === "create_schedule") byName.set(change.schedule.name, change.schedule);
    if (change.op === "delete_schedule") byName.delete(change.name);
    if (change.op === "update_schedule") {
      const current = byName.get(change.name);
      if (current !== undefined) byName.set(change.name, { ...current, ...change.fields });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
