/**
 * @module core/k8s/sync-plan
 * What a sync of declared schedules into a cluster does, as data: which CronJobs to create,
 * which to replace (and the fields that drifted), which yaml-sourced ones to prune, which are
 * unchanged. Api-sourced CronJobs are never in the plan: the API owns them. Pure and
 * deterministic: operations come ordered by CronJob name.
 */
import { driftPaths, scheduleNameOf, sourceOf } from "./drift.js";
import type { K8sObject } from "./types.js";

/** One operation of a sync. `schedule` is the Kairos schedule name, `resource` the CronJob's. */
export type CronJobSyncOp =
  | {
      readonly op: "create";
      readonly resource: string;
      readonly schedule: string;
      readonly desired: K8sObject;
    }
  | {
      readonly op: "update";
      readonly resource: string;
      readonly schedule: string;
      readonly desired: K8sObject;
      /** The paths that drifted (driftPaths). */
      readonly fields: readonly string[];
    }
  | { readonly op: "prune"; readonly resource: string; readonly schedule: string }
  | { readonly op: "unchanged"; readonly resource: string; readonly schedule: string };

/**
 * Plan the sync of `desired` (the CronJobs of the declared schedules, as core/k8s/cronjob
 * builds them) against `actual` (the CronJobs Kairos manages in the namespace, as listed).
 * A desired CronJob missing from the cluster is created; one that drifted (driftPaths) is
 * updated, also when it was api-sourced before (the file now declares it); a yaml-sourced
 * CronJob that no declaration wants is pruned; everything else is left alone.
 */
export function planCronJobSync(
  desired: readonly K8sObject[],
  actual: readonly K8sObject[],
): CronJobSyncOp[] {
  const byName = new Map(actual.map((o) => [nameOf(o), o]));
  const wanted = new Set<string>();
  const ops: CronJobSyncOp[] = [];
  for (const object of desired) {
    const resource = nameOf(object);
    const schedule = scheduleNameOf(object) ?? resource;
    wanted.add(resource);
    const found = byName.get(resource);
    if (found === undefined) {
      ops.push({ op: "create", resource, schedule, desired: object });
      continue;
    }
    const fields = driftPaths(object, found);
    ops.push(
      fields.length === 0
        ? { op: "unchanged", resource, schedule }
        : { op: "update", resource, schedule, desired: object, fields },
    );
  }
  for (const object of actual) {
    const resource = nameOf(object);
    if (wanted.has(resource) || sourceOf(object) !== "yaml") continue;
    ops.push({ op: "prune", resource, schedule: scheduleNameOf(object) ?? resource });
  }
  return ops.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
}

/** `metadata.name` of an object (empty when it has none). */
export function nameOf(object: K8sObject): string {
  return ((object.metadata ?? {}) as { name?: string }).name ?? "";
}
