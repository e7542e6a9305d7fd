/**
 * The CronJob validation the apiserver runs after decoding and defaulting (ValidateObjectMeta
 * and batch validation's ValidateCronJobCreate/Update), the part the OpenAPI schema cannot
 * express: name, labels, annotations, schedule, time zone, policies, the Job's pod template.
 */
import { cronScheduleError, isKnownTimeZone } from "./cron.js";
import type { Obj } from "./decode.js";
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from "./names.js";
import {
  type FieldError,
  invalidField,
  notSupportedField,
  requiredField,
  tooLongField,
} from "./status.js";

/** Most bytes all annotations of an object may hold together (256 KiB). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** Longest CronJob name: a Job name (63) minus the controller's `-<minutes>` suffix (11). */
export const CRONJOB_NAME_MAX = 52;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const strings = (v: unknown): Record<string, string> =>
  isObj(v) ? (v as Record<string, string>) : {};

function metadataErrors(meta: Obj, create: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const name = typeof meta.name === "string" ? meta.name : "";
  if (name === "") {
    errors.push(requiredField("metadata.name", "name or generateName is required"));
  } else {
    for (const e of dns1123SubdomainErrors(name))
      errors.push(invalidField("metadata.name", name, e));
    if (create && name.length > CRONJOB_NAME_MAX) {
      errors.push(
        invalidField("metadata.name", name, `must be no more than ${CRONJOB_NAME_MAX} characters`),
      );
    }
  }
  for (const [key, value] of Object.entries(strings(meta.labels))) {
    for (const e of qualifiedNameErrors(key)) errors.push(invalidField("metadata.labels", key, e));
    for (const e of labelValueErrors(value)) errors.push(invalidField("metadata.labels", value, e));
  }
  let size = 0;
  for (const [key, value] of Object.entries(strings(meta.annotations))) {
    for (const e of qualifiedNameErrors(key.toLowerCase())) {
      errors.push(invalidField("metadata.annotations", key, e));
    }
    size += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (size > ANNOTATIONS_MAX_BYTES)
    errors.push(tooLongField("metadata.annotations", ANNOTATIONS_MAX_BYTES));
  return errors;
}

function nonNegative(spec: Obj, key: string, path: string): FieldError[] {
  const v = spec[key];
  return typeof v === "number" && v < 0
    ? [invalidField(`${path}.${key}`, v, "must be greater than or equal to 0")]
    : [];
}

function scheduleErrors(spec: Obj): FieldError[] {
  const schedule = typeof spec.schedule === "string" ? spec.schedule : "";
  if (schedule === "") return [requiredField("spec.schedule")];
  const errors: FieldError[] = [];
  const parse = cronScheduleError(schedule);
  if (parse !== undefined) errors.push(invalidField("spec.schedule", schedule, parse));
  if (schedule.includes("TZ")) {
    errors.push(
      invalidField(
        "spec.schedule",
        schedule,
        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
      ),
    );
  }
  return errors;
}

const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function timeZoneErrors(spec: Obj, old: Obj | undefined): FieldError[] {
  const zone = spec.timeZone;
  if (zone === undefined || zone === null) return [];
  if (old !== undefined && old.timeZone === zone) return []; // only a changed zone is checked
  const field = "spec.timeZone";
  if (typeof zone !== "string" || zone === "")
    return [invalidField(field, zone, "timeZone must be nil or non-empty string")];
  const badPart = zone
    .split("/")
    .some((p) => p === "." || p === ".." || p.startsWith("-") || !TZ_PART.test(p));
  if (badPart) return [invalidField(field, zone, `unknown time zone ${zone}`)];
  if (zone.toLowerCase() === "local") {
    return [
      invalidField(
        field,
        zone,
        "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
      ),
    ];
  }
  return isKnownTimeZone(zone) ? [] : [invalidField(field, zone, `unknown time zone ${zone}`)];
}

const POLICIES = ["Allow", "Forbid", "Replace"];

function podTemplateErrors(jobSpec: Obj): FieldError[] {
  const base = "spec.jobTemplate.spec.template.spec";
  const pod = asObj(asObj(jobSpec.template).spec);
  const errors: FieldError[] = [];
  if (pod.restartPolicy !== "OnFailure" && pod.restartPolicy !== "Never") {
    errors.push(
      notSupportedField(`${base}.restartPolicy`, pod.restartPolicy, ["OnFailure", "Never"]),
    );
  }
  const containers = Array.isArray(pod.containers) ? pod.containers : [];
  if (containers.length === 0) errors.push(requiredField(`${base}.containers`));
  containers.forEach((c: unknown, i) => {
    const container = asObj(c);
    const at = `${base}.containers[${i}]`;
    const name = typeof container.name === "string" ? container.name : "";
    if (name === "") errors.push(requiredField(`${at}.name`));
    else for (const e of dns1123LabelErrors(name)) errors.push(invalidField(`${at}.name`, name, e));
    if (typeof container.image !== "string" || container.image.trim() === "")
      errors.push(requiredField(`${at}.image`));
  });
  if (jobSpec.selector !== undefined) {
    errors.push(
      invalidField(
        "spec.jobTemplate.spec.selector",
        jobSpec.selector,
        "`selector` will be auto-generated",
      ),
    );
  }
  return errors;
}

function specErrors(spec: Obj, old: Obj | undefined): FieldError[] {
  const errors = [...scheduleErrors(spec), ...timeZoneErrors(spec, old)];
  errors.push(...nonNegative(spec, "startingDeadlineSeconds", "spec"));
  if (!POLICIES.includes(String(spec.concurrencyPolicy))) {
    errors.push(notSupportedField("spec.concurrencyPolicy", spec.concurrencyPolicy, POLICIES));
  }
  const jobSpec = asObj(asObj(spec.jobTemplate).spec);
  errors.push(...nonNegative(jobSpec, "backoffLimit", "spec.jobTemplate.spec"));
  if (typeof jobSpec.activeDeadlineSeconds === "number" && jobSpec.activeDeadlineSeconds <= 0) {
    errors.push(
      invalidField(
        "spec.jobTemplate.spec.activeDeadlineSeconds",
        jobSpec.activeDeadlineSeconds,
        "must be greater than 0",
      ),
    );
  }
  errors.push(...podTemplateErrors(jobSpec));
  errors.push(...nonNegative(spec, "successfulJobsHistoryLimit", "spec"));
  errors.push(...nonNegative(spec, "failedJobsHistoryLimit", "spec"));
  return errors;
}

/**
 * Field errors of a decoded, defaulted CronJob; `old` is the stored object on an update (the
 * 52-character name limit applies on create only, and an unchanged time zone is not rechecked,
 * as in the real server).
 */
export function cronJobErrors(object: Obj, old?: Obj): FieldError[] {
  const meta = asObj(object.metadata);
  return [
    ...metadataErrors(meta, old === undefined),
    ...specErrors(asObj(object.spec), old === undefined ? undefined : asObj(old.spec)),
  ];
}
