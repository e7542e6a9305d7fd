/**
 * @module contract/errors
 * The one table from error codes to HTTP statuses, used by the server to answer and by the
 * HTTP client to rebuild the same KairosError subclass (same code, same message) from a body.
 * Body: `{ error: { code, message, details? } }`.
 */
import {
  ConflictError,
  ControlRefusedError,
  ForbiddenError,
  KairosError,
  NotFoundError,
  PayloadTooLargeError,
  QueueFullError,
  RunExistsError,
  ShuttingDownError,
  StoreDiskFullError,
  StoreError,
  StoreNotFoundError,
  StoreUnavailableError,
  UnauthorizedError,
  UnknownFunctionError,
  ValidationError,
  type ControlRefusalReason,
  type KairosErrorCode,
} from "../core/errors.js";

/** Error body schema lives in schemas/common (ErrorBody); this is its TypeScript shape. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** How an error is answered. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: { readonly error: WireError };
  readonly headers: Readonly<Record<string, string>>;
}

/** Seconds a client should wait after QUEUE_FULL / SHUTTING_DOWN. */
export const RETRY_AFTER = { QUEUE_FULL: 1, SHUTTING_DOWN: 5 } as const;

const STATUS: Partial<Record<KairosErrorCode | "INTERNAL", number>> = {
  VALIDATION: 422,
  UNKNOWN_FUNCTION: 422,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CONTROL_REFUSED: 409,
  DUPLICATE_DEFINITION: 409,
  QUEUE_FULL: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SHUTTING_DOWN: 503,
  STORE_UNAVAILABLE: 503,
  STORE_DISK_FULL: 503,
  STORE_NOT_FOUND: 503,
  K8S_UNEXPORTABLE: 422,
  K8S_DYNAMIC_DISABLED: 409,
  K8S_FORBIDDEN: 502,
  K8S_API: 502,
};

/** The HTTP status of an error code (500 for STORE and anything not in the table). */
export function statusForCode(code: string): number {
  return STATUS[code as KairosErrorCode] ?? 500;
}

/** The details an error carries on the wire (the fields its class adds). */
function detailsOf(err: KairosError): Record<string, unknown> | undefined {
  if (err instanceof ConflictError) return { existingJobId: err.existingJobId };
  if (err instanceof RunExistsError) return { existingRunId: err.existingRunId };
  if (err instanceof QueueFullError) return { fn: err.fn, maxPending: err.maxPending };
  if (err instanceof PayloadTooLargeError) return { bytes: err.bytes, maxBytes: err.maxBytes };
  if (err instanceof UnknownFunctionError) return { fn: err.fn, suggestion: err.suggestion };
  if (err instanceof ForbiddenError) return { required: err.required };
  if (err instanceof ControlRefusedError) {
    return { reason: err.reason, ...(err.stopId === undefined ? {} : { stopId: err.stopId }) };
  }
  const issues = (err as { issues?: unknown }).issues;
  if (Array.isArray(issues)) return { issues };
  return undefined;
}

/**
 * The answer for a KairosError. STORE and unknown codes become 500 INTERNAL with a generic
 * message (the cause is logged by the server, never sent).
 */
export function answerFor(err: KairosError, requestId: string): ErrorAnswer {
  const status = statusForCode(err.code);
  if (status === 500) return internalAnswer(requestId);
  const headers: Record<string, string> = {};
  if (err.code === "QUEUE_FULL") headers["Retry-After"] = String(RETRY_AFTER.QUEUE_FULL);
  if (err.code === "SHUTTING_DOWN") headers["Retry-After"] = String(RETRY_AFTER.SHUTTING_DOWN);
  if (err.code === "UNAUTHORIZED") headers["WWW-Authenticate"] = 'Bearer realm="kairos"';
  const details = detailsOf(err);
  return {
    status,
    headers,
    body: { error: { code: err.code, message: err.message, ...(details ? { details } : {}) } },
  };
}

/** 500 INTERNAL: the message is generic, the request id lets an operator find the log line. */
export function internalAnswer(requestId: string): ErrorAnswer {
  return {
    status: 500,
    headers: {},
    body: {
      error: {
        code: "INTERNAL",
        message: `internal error; the server logged it with request id ${requestId}`,
        details: { requestId },
      },
    },
  };
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/**
 * The KairosError subclass an error body stands for, with the server's message (so the CLI
 * prints the same text and exits with the same code as in local mode).
 */
export function errorFromWire(wire: WireError): KairosError {
  const d = wire.details ?? {};
  const err = build(wire.code, wire.message, d);
  if (err.message !== wire.message) Object.defineProperty(err, "message", { value: wire.message });
  return err;
}

function build(code: string, message: string, d: Readonly<Record<string, unknown>>): KairosError {
  switch (code) {
    case "VALIDATION":
      return new ValidationError(message);
    case "NOT_FOUND":
      return new NotFoundError(message);
    case "CONFLICT":
      return typeof d.existingRunId === "string"
        ? new RunExistsError(message, d.existingRunId)
        : new ConflictError(message, str(d.existingJobId));
    case "QUEUE_FULL":
      return new QueueFullError(str(d.fn), num(d.maxPending));
    case "PAYLOAD_TOO_LARGE":
      return new PayloadTooLargeError("body", num(d.bytes), num(d.maxBytes), "http");
    case "UNKNOWN_FUNCTION":
      return new UnknownFunctionError(
        str(d.fn),
        typeof d.suggestion === "string" ? d.suggestion : null,
      );
    case "CONTROL_REFUSED":
      return new ControlRefusedError(
        isRefusalReason(d.reason) ? d.reason : "not_stopped",
        message,
        typeof d.stopId === "string" ? d.stopId : undefined,
      );
    case "UNAUTHORIZED":
      return new UnauthorizedError(message);
    case "FORBIDDEN":
      return new ForbiddenError(d.required === "read" ? "read" : "write", message);
    case "SHUTTING_DOWN":
      return new ShuttingDownError(message);
    case "STORE_UNAVAILABLE":
      return new StoreUnavailableError(message);
    case "STORE_NOT_FOUND":
      return new StoreNotFoundError(message);
    case "STORE_DISK_FULL":
      return new StoreDiskFullError(str(d.file), message);
    case "STORE":
      return new StoreError(message);
    default:
      return new KairosError((code || "STORE") as KairosErrorCode, message);
  }
}

const REFUSAL_REASONS: readonly ControlRefusalReason[] = [
  "finished",
  "stop_unresolved",
  "not_stopped",
  "function_unknown",
  "function_unavailable",
];

function isRefusalReason(value: unknown): value is ControlRefusalReason {
  return (REFUSAL_REASONS as readonly unknown[]).includes(value);
}
