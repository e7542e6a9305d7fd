/**
 * @module backends/kubernetes/kubernetes-backend
 * The Kubernetes schedule backend: one CronJob per schedule in one namespace, built exactly as
 * `kairos k8s export` writes it (core/k8s), so an exported manifest and a synced CronJob never
 * churn against each other. Keeps the rules of ports/schedule-backend:
 * - sync plans with core/k8s/sync-plan (create, update on drift, prune yaml-sourced, never touch
 *   api-sourced) and writes nothing when nothing drifted;
 * - every read filters by `app.kubernetes.io/managed-by=kairos`, and a CronJob of the same name
 *   that Kairos does not manage is never taken over (K8sApiError saying so);
 * - a replace carries the resourceVersion it read; a Conflict (someone wrote in between) reads
 *   again and retries, up to 5 times;
 * - labels and annotations other tools put on a CronJob are kept on update.
 */
import { ConflictError } from "../../core/errors.js";
import { driftPaths, scheduleNameOf, sourceOf } from "../../core/k8s/drift.js";
import { K8sApiError, K8sDynamicDisabledError, K8sExportError } from "../../core/k8s/errors.js";
import type { Refusal } from "../../core/k8s/errors.js";
import { scheduleCronJob } from "../../core/k8s/export.js";
import { k8sName } from "../../core/k8s/names.js";
import { nameOf, planCronJobSync } from "../../core/k8s/sync-plan.js";
import {
  K8S_KEYS,
  type K8sFunction,
  type K8sObject,
  type K8sSettings,
} from "../../core/k8s/types.js";
import type { ScheduleDeclaration } from "../../core/schedules/types.js";
import type {
  BackendChange,
  BackendEntry,
  BackendSyncResult,
  ScheduleBackend,
} from "../../ports/schedule-backend.js";
import type { CronJobApi } from "./cronjob-api.js";

/** The label selector of every CronJob Kairos manages. */
export const MANAGED_SELECTOR = `${K8S_KEYS.managedBy}=kairos`;

/** How many times a replace is retried after a resourceVersion conflict. */
const MAX_CONFLICT_RETRIES = 5;

/** What the backend is built from. */
export interface KubernetesBackendOptions {
  readonly api: CronJobApi;
  /** The export settings (namespace, server URL, images, Secret, history limits). */
  readonly settings: K8sSettings;
  /** The functions of kairos.yaml (mode, image, attempts, timeout). */
  readonly functions: readonly K8sFunction[];
  /** The mode of a function kairos.yaml does not declare (an api schedule's). */
  readonly defaultMode: "trigger" | "run";
  readonly allowDynamic: boolean;
}

/** See the module header. */
export class KubernetesScheduleBackend implements ScheduleBackend {
  readonly kind = "kubernetes" as const;
  readonly location: string;
  readonly allowDynamic: boolean;
  private readonly api: CronJobApi;
  private readonly functions: Map<string, K8sFunction>;

  constructor(private readonly options: KubernetesBackendOptions) {
    this.api = options.api;
    this.allowDynamic = options.allowDynamic;
    this.location = `Kubernetes namespace ${options.api.namespace}`;
    this.functions = new Map(options.functions.map((f) => [f.name, f]));
  }

  check(schedules: readonly ScheduleDeclaration[]): void {
    this.build(schedules);
  }

  async sync(
    declared: readonly ScheduleDeclaration[],
    options: { readonly dryRun?: boolean } = {},
  ): Promise<BackendSyncResult> {
    const { objects, warnings } = this.build(declared.filter((s) => s.source === "config"));
    const actual = await this.api.list(MANAGED_SELECTOR);
    const changes: BackendChange[] = [];
    for (const op of planCronJobSync(objects, actual)) {
      const change = {
        op: op.op,
        name: op.schedule,
        resource: op.resource,
        fields: op.op === "update" ? op.fields : [],
      };
      if (options.dryRun !== true) {
        if (op.op === "create" || op.op === "update") {
          changes.push({ ...change, ...(await this.write(op.desired)) });
          continue;
        }
        if (op.op === "prune") await this.api.delete(op.resource);
      }
      changes.push(change);
    }
    return { changes, warnings };
  }

  async set(schedule: ScheduleDeclaration): Promise<BackendChange> {
    const { objects } = this.build([schedule]);
    const [object] = objects;
    if (object === undefined) throw new Error("unreachable: a built schedule has no CronJob");
    if (schedule.source === "api" && !this.allowDynamic) {
      const exists = (await this.api.get(nameOf(object))) !== null;
      throw new K8sDynamicDisabledError(exists ? "update" : "create", schedule.name);
    }
    const written = await this.write(object);
    return { name: schedule.name, resource: nameOf(object), ...written };
  }

  async remove(name: string): Promise<void> {
    const found = await this.api.get(k8sName(name));
    if (found === null || !managed(found)) return;
    if (sourceOf(found) === "yaml") {
      throw new ConflictError(
        `schedule ${JSON.stringify(name)} comes from kairos.yaml: remove it from the file and run kairos apply (which prunes its CronJob)`,
      );
    }
    if (!this.allowDynamic) throw new K8sDynamicDisabledError("delete", name);
    await this.api.delete(nameOf(found));
  }

  async list(): Promise<BackendEntry[]> {
    const objects = await this.api.list(MANAGED_SELECTOR);
    return objects.map(entryOf).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async get(name: string): Promise<BackendEntry | null> {
    const found = await this.api.get(k8sName(name));
    return found !== null && managed(found) ? entryOf(found) : null;
  }

  /** The CronJobs of `schedules`, or K8sExportError naming each one that cannot be one. */
  private build(schedules: readonly ScheduleDeclaration[]): {
    objects: K8sObject[];
    warnings: string[];
  } {
    const refusals: Refusal[] = [];
    const objects: K8sObject[] = [];
    const warnings: string[] = [];
    for (const s of schedules) {
      const fn = this.functions.get(s.fn) ?? { name: s.fn, mode: this.options.defaultMode };
      const one = scheduleCronJob(s, fn, this.options.settings, false);
      if ("refusals" in one) {
        refusals.push(...one.refusals);
      } else {
        objects.push(one.object);
        warnings.push(...one.warnings);
      }
    }
    if (refusals.length > 0) throw new K8sExportError(refusals);
    return { objects, warnings };
  }

  /**
   * Create `desired`, or bring the CronJob of its name to it: unchanged when nothing drifted,
   * else a replace carrying the resourceVersion read (retried on Conflict).
   */
  private async write(
    desired: K8sObject,
  ): Promise<{ op: "create" | "update" | "unchanged"; fields: readonly string[] }> {
    const name = nameOf(desired);
    for (let attempt = 0; ; attempt++) {
      const current = await this.api.get(name);
      try {
        if (current === null) {
          await this.api.create(desired);
          return { op: "create", fields: [] };
        }
        if (!managed(current)) {
          throw new K8sApiError(
            `write cronjob ${name}`,
            409,
            "AlreadyExists",
            `a CronJob named ${name} exists in namespace ${this.api.namespace} and is not managed by Kairos (no ${MANAGED_SELECTOR} label); rename the schedule or remove that CronJob`,
          );
        }
        const fields = driftPaths(desired, current);
        if (fields.length === 0) return { op: "unchanged", fields };
        await this.api.replace(name, merged(desired, current));
        return { op: "update", fields };
      } catch (error) {
        const retry =
          error instanceof K8sApiError &&
          error.status === 409 &&
          (error.reason === "Conflict" || (error.reason === "AlreadyExists" && current === null));
        if (!retry || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }
}

/** True when Kairos manages `object` (its managed-by label says so). */
function managed(object: K8sObject): boolean {
  const labels = ((object.metadata ?? {}) as { labels?: Record<string, string> }).labels ?? {};
  return labels[K8S_KEYS.managedBy] === "kairos";
}

/**
 * `desired` as a replacement of `current`: the spec and Kairos's labels and annotations from
 * `desired`; the identity (uid, resourceVersion) and other tools' labels and annotations from
 * `current`; stale `kairos.dev/` annotations dropped.
 */
function merged(desired: K8sObject, current: K8sObject): K8sObject {
  type Meta = { labels?: Record<string, string>; annotations?: Record<string, string> };
  const d = desired.metadata as Meta & Record<string, unknown>;
  const c = current.metadata as Meta & Record<string, unknown>;
  const foreign = Object.entries(c.annotations ?? {}).filter(([k]) => !k.startsWith("kairos.dev/"));
  return {
    ...desired,
    metadata: {
      ...c,
      labels: { ...(c.labels ?? {}), ...(d.labels ?? {}) },
      annotations: { ...Object.fromEntries(foreign), ...(d.annotations ?? {}) },
    },
  };
}

/** What a listed CronJob says about its schedule. */
function entryOf(object: K8sObject): BackendEntry {
  const meta = object.metadata as { annotations?: Record<string, string> };
  const spec = (object.spec ?? {}) as { schedule?: string; timeZone?: string; suspend?: boolean };
  const status = (object.status ?? {}) as { lastScheduleTime?: string };
  const last = status.lastScheduleTime === undefined ? NaN : Date.parse(status.lastScheduleTime);
  return {
    name: scheduleNameOf(object) ?? nameOf(object),
    resource: nameOf(object),
    fn: meta.annotations?.[K8S_KEYS.functionName] ?? "",
    source: sourceOf(object) === "api" ? "api" : "config",
    schedule: spec.schedule ?? "",
    timeZone: spec.timeZone ?? null,
    suspended: spec.suspend === true,
    lastScheduleTime: Number.isNaN(last) ? null : last,
  };
}
