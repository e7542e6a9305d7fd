/**
 * The apiserver's error bodies: `metav1.Status` objects with the reasons, codes, messages and
 * details the real server writes (k8s.io/apimachinery/pkg/api/errors), so a client under test
 * sees exactly what a cluster would answer.
 */

/** A group/resource pair as the apiserver names it in messages (`cronjobs.batch`). */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
  /** The Kind, for Invalid errors (`CronJob.batch "x" is invalid`). */
  readonly kind: string;
}

/** One entry of `details.causes`. */
export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

/** A `metav1.Status` with status Failure (or Success for a delete). */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
  };
  code: number;
}

/** A Status thrown by the store and the validators, caught by the HTTP layer. */
export class StatusError extends Error {
  /** The body to send, with its `code` as the HTTP status. */
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? "Failure");
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: Status["details"],
): StatusError {
  const status: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
  return new StatusError(status);
}

const qualified = (gr: GroupResource): string =>
  gr.group === "" ? gr.resource : `${gr.resource}.${gr.group}`;

/** 404 NotFound for a named object: `cronjobs.batch "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return failure(404, "NotFound", `${qualified(gr)} "${name}" not found`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

/** 404 for a path the server does not serve (what an unexpected call gets). */
export function pathNotFound(): StatusError {
  return failure(404, "NotFound", "the server could not find the requested resource", {});
}

/** 409 AlreadyExists: `cronjobs.batch "x" already exists`. */
export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, "AlreadyExists", `${qualified(gr)} "${name}" already exists`, {
    name,
    group: gr.group,
    kind: gr.resource,
  });
}

/** The text of an optimistic-lock failure (genericregistry.OptimisticLockErrorMsg). */
export const OPTIMISTIC_LOCK_MESSAGE =
  "the object has been modified; please apply your changes to the latest version and try again";

/** 409 Conflict: `Operation cannot be fulfilled on cronjobs.batch "x": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`,
    {
      name,
      group: gr.group,
      kind: gr.resource,
    },
  );
}

/** A field error (k8s.io/apimachinery/pkg/util/validation/field.Error). */
export interface FieldError {
  /** `FieldValueInvalid`, `FieldValueRequired`, `FieldValueNotSupported`, `FieldValueTooLong`. */
  readonly type: string;
  /** `spec.schedule`, `metadata.labels`, ... */
  readonly field: string;
  /** The body, as field.Error.ErrorBody() writes it (`Invalid value: "x": why`). */
  readonly body: string;
}

/** A Go-like rendering of a rejected value, as field errors quote it. */
export function goValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** `field: Invalid value: <value>: <detail>`. */
export function invalidField(field: string, value: unknown, detail: string): FieldError {
  return { type: "FieldValueInvalid", field, body: `Invalid value: ${goValue(value)}: ${detail}` };
}

/** `field: Required value[: detail]`. */
export function requiredField(field: string, detail = ""): FieldError {
  return {
    type: "FieldValueRequired",
    field,
    body: detail === "" ? "Required value" : `Required value: ${detail}`,
  };
}

/** `field: Unsupported value: <value>: supported values: "A", "B"`. */
export function notSupportedField(
  field: string,
  value: unknown,
  supported: readonly string[],
): FieldError {
  const list = supported.map((s) => JSON.stringify(s)).join(", ");
  return {
    type: "FieldValueNotSupported",
    field,
    body: `Unsupported value: ${goValue(value)}: supported values: ${list}`,
  };
}

/** `field: Too long: must have at most N bytes`. */
export function tooLongField(field: string, max: number): FieldError {
  return { type: "FieldValueTooLong", field, body: `Too long: must have at most ${max} bytes` };
}

/**
 * 422 Invalid: `CronJob.batch "x" is invalid: <errors>` (one error as is, several as
 * `[a, b]`), with every error in `details.causes` (reason = its type, field, message = body).
 */
export function invalid(
  gr: GroupResource,
  name: string,
  errors: readonly FieldError[],
  kind = gr.kind,
): StatusError {
  const rendered = errors.map((e) => `${e.field}: ${e.body}`);
  const aggregate = rendered.length === 1 ? rendered[0] : `[${rendered.join(", ")}]`;
  const qualifiedKind = gr.group === "" ? kind : `${kind}.${gr.group}`;
  return failure(422, "Invalid", `${qualifiedKind} "${name}" is invalid: ${aggregate}`, {
    name,
    group: gr.group,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}

/** 400 BadRequest with a message (decoding errors, name/namespace mismatches, selectors). */
export function badRequest(message: string): StatusError {
  return failure(400, "BadRequest", message);
}

/** 401 Unauthorized, as the authentication filter answers a request without a valid token. */
export function unauthorized(): StatusError {
  return failure(401, "Unauthorized", "Unauthorized");
}

/**
 * 403 Forbidden as the authorization filter writes it:
 * `cronjobs.batch ["x" ]is forbidden: User "u" cannot get resource "cronjobs" in API group
 * "batch" in the namespace "ns"`.
 */
export function forbidden(
  gr: GroupResource,
  name: string,
  user: string,
  verb: string,
  namespace: string,
): StatusError {
  const subject = name === "" ? qualified(gr) : `${qualified(gr)} "${name}"`;
  const why = `User "${user}" cannot ${verb} resource "${gr.resource}" in API group "${gr.group}" in the namespace "${namespace}"`;
  return failure(403, "Forbidden", `${subject} is forbidden: ${why}`, {
    ...(name === "" ? {} : { name }),
    group: gr.group,
    kind: gr.resource,
  });
}

/** 405 MethodNotAllowed for a verb the resource path does not support. */
export function methodNotAllowed(): StatusError {
  return failure(
    405,
    "MethodNotAllowed",
    "the server does not allow this method on the requested resource",
  );
}

/** 415 UnsupportedMediaType for a PATCH content type the server does not take. */
export function unsupportedMediaType(): StatusError {
  return failure(
    415,
    "UnsupportedMediaType",
    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
  );
}

/** 500 InternalError, as the storage layer's plain errors become. */
export function internalError(detail: string): StatusError {
  return failure(500, "InternalError", `Internal error occurred: ${detail}`, {
    causes: [{ message: detail }],
  });
}

/** The Success Status a DELETE answers with when the object is gone at once. */
export function deleted(gr: GroupResource, name: string, uid: string): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name, group: gr.group, kind: gr.resource, uid },
    code: 200,
  };
}
