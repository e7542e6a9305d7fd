/**
 * What the apiserver does to a request body before validation: decode it as a batch/v1
 * CronJob (a wrong JSON type is a 400 "cannot be handled"), handle unknown fields per
 * `fieldValidation` (Ignore, Warn (the default), Strict = 400), and apply the defaults the
 * real server stores (so a read-back differs from what was sent, as on a cluster).
 */
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { badRequest, type FieldError, notSupportedField, requiredField } from "./status.js";

/** JSON object as the server handles it. */
export type Obj = Record<string, unknown>;

/** Known fields per level of a CronJob (deeper levels are not checked for unknown fields). */
const KNOWN: Record<string, readonly string[]> = {
  "": ["apiVersion", "kind", "metadata", "spec", "status"],
  metadata: [
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
  ],
  spec: [
    "schedule",
    "timeZone",
    "startingDeadlineSeconds",
    "concurrencyPolicy",
    "suspend",
    "jobTemplate",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
  ],
  "spec.jobTemplate": ["metadata", "spec"],
  "spec.jobTemplate.spec": [
    "parallelism",
    "completions",
    "activeDeadlineSeconds",
    "podFailurePolicy",
    "successPolicy",
    "backoffLimit",
    "backoffLimitPerIndex",
    "maxFailedIndexes",
    "selector",
    "manualSelector",
    "template",
    "ttlSecondsAfterFinished",
    "completionMode",
    "suspend",
    "podReplacementPolicy",
    "managedBy",
  ],
  "spec.jobTemplate.spec.template": ["metadata", "spec"],
  "spec.jobTemplate.spec.template.spec": [
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
  ],
  container: [
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
  ],
};

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `/spec/jobTemplate/spec/containers/0/name` -> `spec.jobTemplate.spec.containers[0].name`. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split("/")
    .filter((p) => p !== "")
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join("");
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  params: { type?: string; missingProperty?: string; allowedValues?: string[] };
}

/**
 * Checks `body` against the batch/v1 CronJob schema (kubernetes-models). A wrong JSON type is
 * a decoding error (400, as the Go decoder fails); a missing required field or a value outside
 * an enum is returned as a field error (422 with the rest of validation).
 */
export function schemaErrors(body: Obj): FieldError[] {
  try {
    new CronJob(body).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors ?? [];
    if (errors.length === 0) throw error;
    const typeError = errors.find((e) => e.keyword === "type");
    if (typeError) {
      throw badRequest(
        `CronJob in version "v1" cannot be handled as a CronJob: json: cannot unmarshal into field ${fieldPath(typeError.instancePath)} of type ${typeError.params.type ?? "?"}`,
      );
    }
    return errors.map((e) => {
      const at = fieldPath(e.instancePath);
      if (e.keyword === "required") {
        return requiredField(
          at === "" ? (e.params.missingProperty ?? "") : `${at}.${e.params.missingProperty ?? ""}`,
        );
      }
      if (e.keyword === "enum")
        return notSupportedField(at, valueAt(body, e.instancePath), e.params.allowedValues ?? []);
      return { type: "FieldValueInvalid", field: at, body: `Invalid value: ${e.keyword}` };
    });
  }
}

function valueAt(body: Obj, instancePath: string): unknown {
  let cur: unknown = body;
  for (const part of instancePath.split("/").filter((p) => p !== "")) {
    cur = isObj(cur) || Array.isArray(cur) ? (cur as Record<string, unknown>)[part] : undefined;
  }
  return cur;
}

/** Removes the fields a batch/v1 CronJob does not have and returns their paths (`spec.foo`). */
export function dropUnknownFields(body: Obj): string[] {
  const unknown: string[] = [];
  const walk = (node: unknown, level: string, path: string): void => {
    if (!isObj(node)) return;
    const known = KNOWN[level];
    if (!known) return;
    for (const key of Object.keys(node)) {
      if (!known.includes(key)) {
        unknown.push(path === "" ? key : `${path}.${key}`);
        delete node[key];
      }
    }
    for (const key of Object.keys(node)) {
      const childLevel = level === "" ? key : `${level}.${key}`;
      const childPath = path === "" ? key : `${path}.${key}`;
      if (key === "containers" || key === "initContainers") {
        const list = node[key];
        if (Array.isArray(list)) list.forEach((c, i) => walk(c, "container", `${childPath}[${i}]`));
      } else if (KNOWN[childLevel]) {
        walk(node[key], childLevel, childPath);
      }
    }
  };
  walk(body, "", "");
  return unknown;
}

/** The 400 a `fieldValidation=Strict` request gets for unknown fields. */
export function strictDecodingError(unknown: readonly string[]): Error {
  const list = unknown.map((f) => `unknown field ${JSON.stringify(f)}`).join(", ");
  return badRequest(
    `CronJob in version "v1" cannot be handled as a CronJob: strict decoding error: ${list}`,
  );
}

function setDefault(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === "") target[key] = value;
}

const child = (parent: Obj, key: string): Obj => {
  if (!isObj(parent[key])) parent[key] = {};
  return parent[key] as Obj;
};

function pullPolicy(image: unknown): string {
  if (typeof image !== "string") return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const last = image.split("/").pop() ?? "";
  const tag = last.includes(":") ? last.split(":").pop() : undefined;
  return tag === undefined || tag === "latest" ? "Always" : "IfNotPresent";
}

/**
 * The defaults the apiserver applies to a batch/v1 CronJob and its templates (what a read-back
 * holds although nobody sent it): concurrencyPolicy Allow, suspend false, history limits 3/1,
 * the Job's backoffLimit 6, completions/parallelism 1, completionMode NonIndexed,
 * podReplacementPolicy TerminatingOrFailed, the pod's restartPolicy Always, dnsPolicy
 * ClusterFirst, schedulerName, securityContext {}, terminationGracePeriodSeconds 30, and each
 * container's termination message path/policy, imagePullPolicy and resources {}.
 */
export function applyDefaults(body: Obj): void {
  const spec = child(body, "spec");
  setDefault(spec, "concurrencyPolicy", "Allow");
  setDefault(spec, "suspend", false);
  setDefault(spec, "successfulJobsHistoryLimit", 3);
  setDefault(spec, "failedJobsHistoryLimit", 1);
  const jobSpec = child(child(spec, "jobTemplate"), "spec");
  setDefault(jobSpec, "backoffLimit", 6);
  setDefault(jobSpec, "completions", 1);
  setDefault(jobSpec, "parallelism", 1);
  setDefault(jobSpec, "completionMode", "NonIndexed");
  setDefault(jobSpec, "suspend", false);
  setDefault(jobSpec, "podReplacementPolicy", "TerminatingOrFailed");
  const podSpec = child(child(jobSpec, "template"), "spec");
  setDefault(podSpec, "restartPolicy", "Always");
  setDefault(podSpec, "dnsPolicy", "ClusterFirst");
  setDefault(podSpec, "schedulerName", "default-scheduler");
  setDefault(podSpec, "securityContext", {});
  setDefault(podSpec, "terminationGracePeriodSeconds", 30);
  for (const key of ["containers", "initContainers"]) {
    const list = podSpec[key];
    if (!Array.isArray(list)) continue;
    for (const container of list) {
      if (!isObj(container)) continue;
      setDefault(container, "terminationMessagePath", "/dev/termination-log");
      setDefault(container, "terminationMessagePolicy", "File");
      setDefault(container, "imagePullPolicy", pullPolicy(container.image));
      setDefault(container, "resources", {});
    }
  }
}
