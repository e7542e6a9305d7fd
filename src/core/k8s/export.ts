/**
 * @module core/k8s/export
 * Every declared schedule as a CronJob, plus the Secret and RBAC objects. Refuses (with one
 * K8sExportError listing each schedule and why) what Kubernetes cannot express, unless
 * `approximate` is set and an approximation exists; approximations and lossy policies come
 * back as warnings and are annotated on the CronJob. Pure and deterministic: objects are
 * ordered support objects first, then CronJobs by name.
 */
import type { ScheduleDeclaration } from "../schedules/types.js";
import { buildCronJob } from "./cronjob.js";
import { K8sExportError, type Refusal } from "./errors.js";
import { supportObjects } from "./rbac.js";
import { cronJobTiming, isRefusal, type CronJobTiming } from "./timing.js";
import type { K8sExport, K8sFunction, K8sObject, K8sSettings } from "./types.js";

/** What one export is built from. */
export interface ExportInput {
  readonly schedules: readonly ScheduleDeclaration[];
  readonly functions: readonly K8sFunction[];
  readonly settings: K8sSettings;
  readonly approximate: boolean;
}

/** The manifests of `input`; throws K8sExportError naming every schedule it cannot export. */
export function exportManifests(input: ExportInput): K8sExport {
  const refusals: Refusal[] = [];
  const built: { name: string; object: K8sObject; warnings: string[] }[] = [];
  const functions = new Map(input.functions.map((f) => [f.name, f]));
  for (const s of input.schedules) {
    const one = scheduleCronJob(s, functions.get(s.fn), input.settings, input.approximate);
    if ("refusals" in one) refusals.push(...one.refusals);
    else built.push(one);
  }
  if (refusals.length > 0) throw new K8sExportError(refusals);
  built.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    objects: [...supportObjects(input.settings), ...built.map((b) => b.object)],
    warnings: built.flatMap((b) => b.warnings),
  };
}

/**
 * The CronJob of one schedule (labelled with its source: `config` -> `yaml`), or why it cannot
 * be one. `fn` undefined: the function is not declared (a refusal).
 */
export function scheduleCronJob(
  s: ScheduleDeclaration,
  fn: K8sFunction | undefined,
  settings: K8sSettings,
  approximate: boolean,
): { name: string; object: K8sObject; warnings: string[] } | { refusals: Refusal[] } {
  if (fn === undefined) {
    return {
      refusals: [
        { schedule: s.name, reason: `function "${s.fn}" is not declared`, approximable: false },
      ],
    };
  }
  if (fn.mode === "run" && fn.image === undefined) {
    const reason = `function "${fn.name}" runs in mode run but has no kubernetes.image`;
    return { refusals: [{ schedule: s.name, reason, approximable: false }] };
  }
  const refusals: Refusal[] = [];
  const timing = scheduleTiming(s, approximate, refusals);
  if (timing === null) return { refusals };
  const { object, warnings } = buildCronJob({
    schedule: s,
    fn,
    timing,
    source: s.source === "api" ? "api" : "yaml",
    settings,
  });
  return { name: (object.metadata as { name: string }).name, object, warnings };
}

/** The CronJob timing of `s` with its approximations, or null after recording a refusal. */
function scheduleTiming(
  s: ScheduleDeclaration,
  approximate: boolean,
  refusals: Refusal[],
): CronJobTiming | null {
  const problems: Refusal[] = [];
  const approximations: string[] = [];
  let timing: CronJobTiming | null = null;
  const t = cronJobTiming(s.timing);
  if (isRefusal(t)) {
    problems.push({ schedule: s.name, reason: t.reason, approximable: t.approximable });
    if (t.approximate !== undefined) {
      timing = t.approximate;
      if (t.approximate.approximation !== undefined)
        approximations.push(t.approximate.approximation);
    }
  } else {
    timing = t;
  }
  if (s.jitterMs > 0) {
    const reason = `jitter ${s.jitterMs / 1000}s: a CronJob fires exactly at its slots`;
    problems.push({ schedule: s.name, reason, approximable: true });
    approximations.push(`jitter ${s.jitterMs / 1000}s dropped (fires at the slot itself)`);
  }
  if (problems.length === 0) return timing;
  const blocking = approximate ? problems.filter((p) => !p.approximable) : problems;
  if (blocking.length > 0 || timing === null) {
    refusals.push(...(blocking.length > 0 ? blocking : problems));
    return null;
  }
  return {
    schedule: timing.schedule,
    timeZone: timing.timeZone,
    approximation: approximations.join("; "),
  };
}
