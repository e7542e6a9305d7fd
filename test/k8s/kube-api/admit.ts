/**
 * The write path of a CronJob body, create or update, as the apiserver runs it: decode (type
 * errors 400), unknown fields per fieldValidation, defaults, validation (422 Invalid with every
 * cause). Returns the object to store (without system fields) and the warnings to send.
 */
import {
  applyDefaults,
  dropUnknownFields,
  type Obj,
  schemaErrors,
  strictDecodingError,
} from "./decode.js";
import { cronJobErrors } from "./rules.js";
import { badRequest, type FieldError, type GroupResource, invalid } from "./status.js";

/** The resource every CronJob error names. */
export const CRONJOBS: GroupResource = { group: "batch", resource: "cronjobs", kind: "CronJob" };
/** The resource of Jobs (list and get only). */
export const JOBS: GroupResource = { group: "batch", resource: "jobs", kind: "Job" };

/** `fieldValidation` query values (absent = Warn, the server default since 1.27). */
export type FieldValidation = "Ignore" | "Warn" | "Strict";

/** A decoded and validated body plus the `Warning` header values for it. */
export interface Admitted {
  readonly object: Obj;
  readonly warnings: string[];
}

/** Parses `?fieldValidation=`; an unknown value is a 400 as on the real server. */
export function fieldValidationOf(
  value: string | undefined,
  fallback: FieldValidation,
): FieldValidation {
  if (value === undefined || value === "") return fallback;
  if (value === "Ignore" || value === "Warn" || value === "Strict") return value;
  throw badRequest(`fieldValidation parameter unsupported: ${value}`);
}

function decodeBody(raw: unknown): Obj {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  }
  const body = structuredClone(raw) as Obj;
  if (body.apiVersion !== undefined && body.apiVersion !== "batch/v1") {
    throw badRequest(
      `the API version in the data (${JSON.stringify(body.apiVersion)}) does not match the expected API version (batch/v1)`,
    );
  }
  if (body.kind !== undefined && body.kind !== "CronJob") {
    throw badRequest(
      `the kind in the data (${JSON.stringify(body.kind)}) does not match the expected kind (CronJob)`,
    );
  }
  body.apiVersion = "batch/v1";
  body.kind = "CronJob";
  return body;
}

function unique(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.field}: ${e.body}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Runs a CronJob body through decoding, field validation, defaulting and validation. `old` is
 * the stored object on an update. Throws a StatusError (400 or 422) when the server would.
 */
export function admitCronJob(raw: unknown, mode: FieldValidation, old?: Obj): Admitted {
  const body = decodeBody(raw);
  const unknown = dropUnknownFields(body);
  if (unknown.length > 0 && mode === "Strict") throw strictDecodingError(unknown);
  const warnings = mode === "Warn" ? unknown.map((f) => `unknown field ${JSON.stringify(f)}`) : [];
  const fromSchema = schemaErrors(body);
  applyDefaults(body);
  const errors = unique([...cronJobErrors(body, old), ...fromSchema]);
  if (errors.length > 0) {
    const meta = (body.metadata ?? {}) as { name?: unknown };
    throw invalid(CRONJOBS, typeof meta.name === "string" ? meta.name : "", errors);
  }
  return { object: body, warnings };
}
