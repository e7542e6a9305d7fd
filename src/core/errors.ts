/**
 * @module core/errors
 * The typed error hierarchy of Kairos. Every error carries a stable `code` that scripts and the
 * HTTP layer can branch on; messages say what was wrong and how to fix it. Callers wrap with
 * `{ cause }` and never mutate a caught error.
 */

/** Stable, documented error codes. Never renamed once released. */
export type KairosErrorCode =
  | "VALIDATION"
  | "CONFLICT"
  | "QUEUE_FULL"
  /** A payload's JSON is larger than `maxPayloadBytes`. */
  | "PAYLOAD_TOO_LARGE"
  | "SHUTTING_DOWN"
  | "NOT_FOUND"
  | "DUPLICATE_DEFINITION"
  | "UNKNOWN_FUNCTION"
  | "STORE"
  | "JOB_TIMEOUT"
  | "JOB_CANCELLED"
  | "UNRECOVERABLE"
  /** An http executor got a non-2xx response. */
  | "HTTP_STATUS"
  /** An http executor's request got no response: network error or its own timeout. */
  | "HTTP_REQUEST"
  /** A command executor's process failed: non-zero exit, signal, timeout, or spawn error. */
  | "COMMAND_FAILED"
  /** A module executor could not load its file or find a function export in it. */
  | "MODULE_LOAD"
  /** The store's server cannot be reached or did not answer in time (connect or query timeout). */
  | "STORE_UNAVAILABLE"
  /** The store (or the directory meant to hold it) does not exist and was not to be created. */
  | "STORE_NOT_FOUND"
  /** The disk holding the store is full; nothing was written. */
  | "STORE_DISK_FULL"
  /** No valid API token was given (missing, malformed, unknown or revoked). */
  | "UNAUTHORIZED"
  /** The API token is valid but its scope does not allow the request (a read token writing). */
  | "FORBIDDEN"
  /** A stop or start was refused: the target finished, is not stopped, or is still stopping. */
  | "CONTROL_REFUSED"
  /** A running job's stop was delivered: the reason its handler's signal aborted with. */
  | "JOB_STOPPED"
  /** `kairos k8s export`: a schedule Kubernetes cannot express (see docs/kubernetes.md). */
  | "K8S_UNEXPORTABLE"
  /** The Kubernetes API refused a call of the runtime backend for want of an RBAC permission. */
  | "K8S_FORBIDDEN"
  /** The Kubernetes API failed a call of the runtime backend (unreachable, invalid object, ...). */
  | "K8S_API"
  /** `scheduler.backend: kubernetes` and an API schedule change while `kubernetes.allowDynamic` is off. */
  | "K8S_DYNAMIC_DISABLED"
  /** `scheduler.backend: kubernetes` in a process that is not running in a Kubernetes cluster. */
  | "K8S_NOT_IN_CLUSTER";

/** Base class of every error Kairos throws on purpose; `code` is stable across releases. */
export class KairosError extends Error {
  readonly code: KairosErrorCode;
  constructor(code: KairosErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Input was malformed (bad option, payload that is not JSON-serialisable, ...). Nothing was written. */
export class ValidationError extends KairosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("VALIDATION", message, options);
  }
}

/** A payload's JSON is larger than the function's `maxPayloadBytes`. Nothing was written. */
export class PayloadTooLargeError extends KairosError {
  /** The payload's JSON size, UTF-8 bytes. */
  readonly bytes: number;
  readonly maxBytes: number;
  constructor(path: string, bytes: number, maxBytes: number, context: string) {
    super(
      "PAYLOAD_TOO_LARGE",
      `${path} is ${bytes} bytes of JSON, over the limit of ${maxBytes} bytes (${context}); ` +
        "store large data elsewhere and pass a reference, or raise maxPayloadBytes: per function " +
        'in define(name, handler, { maxPayloadBytes }) or kairos.yaml "functions[].maxPayloadBytes", ' +
        'for every function in createKairos({ maxPayloadBytes }) or kairos.yaml "maxPayloadBytes"',
    );
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}

/**
 * The request conflicts with what exists, and nothing was written: an idempotency key already
 * used by a job with a different function or payload (`existingJobId` says which), a name
 * already taken, or an object owned by kairos.yaml changed through the API.
 */
export class ConflictError extends KairosError {
  /** Id of the job that already holds the idempotency key (idempotency conflicts only). */
  readonly existingJobId: string | undefined;
  constructor(message: string, existingJobId?: string) {
    super("CONFLICT", message);
    this.existingJobId = existingJobId;
  }
}

/**
 * The reason a stopped job's AbortSignal fires: save a checkpoint and return; the job ends
 * `stopped` and a later start resumes it. `reason` is always "stop".
 */
export class JobStoppedError extends KairosError {
  readonly reason = "stop" as const;
  constructor() {
    super("JOB_STOPPED", "the job was stopped: save a checkpoint and return; a start resumes it");
  }
}

/** Why a stop or start was refused (see core/control/decide). */
export type ControlRefusalReason =
  "finished" | "stop_unresolved" | "not_stopped" | "function_unknown" | "function_unavailable";

/**
 * A stop or start of a job or run was refused; nothing was recorded. `reason` says which rule
 * refused it; `stopId` names the unresolved stop when that was the reason.
 */
export class ControlRefusedError extends KairosError {
  readonly reason: ControlRefusalReason;
  readonly stopId: string | undefined;
  constructor(reason: ControlRefusalReason, message: string, stopId?: string) {
    super("CONTROL_REFUSED", message);
    this.reason = reason;
    this.stopId = stopId;
  }
}

/** A workflow run for that (workflow, logical date) exists already; nothing was created. */
export class RunExistsError extends KairosError {
  /** Id of the run that holds the logical date. */
  readonly existingRunId: string;
  constructor(message: string, existingRunId: string) {
    super("CONFLICT", message);
    this.existingRunId = existingRunId;
  }
}

/** The function's bounded queue (`maxPending`) is full. Nothing was written; retry later. */
export class QueueFullError extends KairosError {
  readonly fn: string;
  readonly maxPending: number;
  constructor(fn: string, maxPending: number) {
    super(
      "QUEUE_FULL",
      `queue for function "${fn}" is full (maxPending ${maxPending}); retry later or raise maxPending`,
    );
    this.fn = fn;
    this.maxPending = maxPending;
  }
}

/** The instance is stopping or stopped and accepts no new work. */
export class ShuttingDownError extends KairosError {
  constructor(message = "Kairos is shutting down and accepts no new work; use a running instance") {
    super("SHUTTING_DOWN", message);
  }
}

/** The request carried no valid API token: missing, malformed, unknown or revoked. */
export class UnauthorizedError extends KairosError {
  constructor(
    message = "a valid API token is required: send Authorization: Bearer <token> (KAIROS_TOKEN for the CLI; create one with kairos tokens create)",
  ) {
    super("UNAUTHORIZED", message);
  }
}

/** The API token is valid but its scope does not allow the request. */
export class ForbiddenError extends KairosError {
  /** The scope the request needs. */
  readonly required: "read" | "write";
  constructor(required: "read" | "write", message?: string) {
    super(
      "FORBIDDEN",
      message ??
        `this request needs a ${required} token; the token given is read-only (create one with kairos tokens create --scope ${required})`,
    );
    this.required = required;
  }
}

/** A job (or other object) with the given id does not exist. */
export class NotFoundError extends KairosError {
  constructor(message: string) {
    super("NOT_FOUND", message);
  }
}

/** A function name was defined twice in one instance. */
export class DuplicateDefinitionError extends KairosError {
  constructor(name: string) {
    super(
      "DUPLICATE_DEFINITION",
      `function "${name}" is already defined; each function name may be defined once per instance`,
    );
  }
}

/**
 * A job was enqueued (or a schedule created) for a function this deployment has never seen:
 * not declared by `kairos apply` and not defined by any process that started workers. Nothing
 * was written. Pass `allowUnknown` when its worker will come later.
 */
export class UnknownFunctionError extends KairosError {
  /** The unknown name. */
  readonly fn: string;
  /** The closest known name, or null. */
  readonly suggestion: string | null;
  constructor(fn: string, suggestion: string | null) {
    super(
      "UNKNOWN_FUNCTION",
      `unknown function ${JSON.stringify(fn)}: it is not declared in kairos.yaml (kairos apply) ` +
        `nor defined by any worker${suggestion === null ? "" : `; did you mean ${JSON.stringify(suggestion)}?`}. ` +
        `Declare or define it, or pass allowUnknown (--allow-unknown) if its worker will start later`,
    );
    this.fn = fn;
    this.suggestion = suggestion;
  }
}

/** The store failed (I/O, corruption, lock timeout); the operation did not take effect. */
export class StoreError extends KairosError {
  constructor(
    message: string,
    options?: { cause?: unknown },
    /** A more precise code, for the subclasses below. */
    code: "STORE" | "STORE_UNAVAILABLE" | "STORE_NOT_FOUND" | "STORE_DISK_FULL" = "STORE",
  ) {
    super(code, message, options);
  }
}

/** The abort reason given to a handler whose job ran past its `timeoutMs`. */
export class JobTimeoutError extends KairosError {
  constructor(timeoutMs: number) {
    super("JOB_TIMEOUT", `job timed out after ${timeoutMs} ms`);
  }
}

/** The abort reason given to a handler whose job was cancelled. */
export class JobCancelledError extends KairosError {
  constructor(message = "job was cancelled") {
    super("JOB_CANCELLED", message);
  }
}

/**
 * Throw this from a handler to fail the job at once, without using the remaining attempts
 * (BullMQ's `UnrecoverableError`).
 */
export class UnrecoverableError extends KairosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("UNRECOVERABLE", message, options);
  }
}

/**
 * (A StoreError, code STORE_UNAVAILABLE.) The store's server could not be reached, or did not answer within the connect or query
 * timeout. Nothing was written; retry when the server is reachable.
 */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, "STORE_UNAVAILABLE");
  }
}

/**
 * The store does not exist and the caller asked not to create it (read-only commands), or the
 * directory meant to hold a new SQLite file does not exist. Nothing was created.
 */
export class StoreNotFoundError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options, "STORE_NOT_FOUND");
  }
}

/** The disk (file system) holding the store is full. Nothing was written; free space and retry. */
export class StoreDiskFullError extends StoreError {
  /** The store file whose write failed. */
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options, "STORE_DISK_FULL");
    this.file = file;
  }
}
