/**
 * @module executors/errors
 * Typed errors of the built-in executors. Each carries a stable `code` (see KairosErrorCode)
 * and the fields a caller needs to act on it; messages name the request or command, what
 * happened and what to check.
 */
import { KairosError } from "../core/errors.js";

/** An http executor's request got a response whose status is not 2xx. */
export class HttpExecutorError extends KairosError {
  readonly method: string;
  /** The request URL, with any password in it redacted. */
  readonly url: string;
  readonly status: number;
  /** The start of the response body (at most 1 KiB, with a marker when cut). */
  readonly bodySnippet: string;
  constructor(fields: {
    method: string;
    url: string;
    status: number;
    bodySnippet: string;
    /** What to do about it, appended to the message. */
    hint?: string;
  }) {
    const body = fields.bodySnippet === "" ? "(empty body)" : fields.bodySnippet;
    const hint = fields.hint ? `; ${fields.hint}` : "";
    super(
      "HTTP_STATUS",
      `${fields.method} ${fields.url} responded with status ${fields.status}${hint}: ${body}`,
    );
    this.method = fields.method;
    this.url = fields.url;
    this.status = fields.status;
    this.bodySnippet = fields.bodySnippet;
  }
}

/** Why an http executor's request got no response. */
export type HttpRequestFailure = "timeout" | "network";

/**
 * An http executor's request got no response: the executor's own `timeoutMs` elapsed
 * (`failure: "timeout"`) or the connection failed (`failure: "network"`; `errno` says how,
 * e.g. "ECONNREFUSED"). Retried like any other failure.
 */
export class HttpRequestError extends KairosError {
  readonly method: string;
  readonly url: string;
  readonly failure: HttpRequestFailure;
  /** The system or undici error code when there is one (ECONNREFUSED, ENOTFOUND, ...). */
  readonly errno: string | null;
  constructor(
    fields: {
      method: string;
      url: string;
      failure: HttpRequestFailure;
      errno: string | null;
      detail: string;
    },
    options?: { cause?: unknown },
  ) {
    super("HTTP_REQUEST", `${fields.method} ${fields.url} failed: ${fields.detail}`, options);
    this.method = fields.method;
    this.url = fields.url;
    this.failure = fields.failure;
    this.errno = fields.errno;
  }
}

/** How a command executor's process failed. */
export type CommandFailure = "exit" | "signal" | "timeout" | "spawn";

/**
 * A command executor's process failed: it exited non-zero (`failure: "exit"`), was killed by
 * a signal it did not get from Kairos (`"signal"`), ran past the executor's own `timeoutMs`
 * and had its process group killed (`"timeout"`), or could not be started (`"spawn"`, e.g. a
 * missing executable; `errno` says why).
 */
export class CommandExecutorError extends KairosError {
  /** The argv that was run. */
  readonly command: readonly string[];
  readonly failure: CommandFailure;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The end of what the process wrote to stderr (at most 64 KiB, with a marker when cut). */
  readonly stderrTail: string;
  /** The spawn error code (ENOENT, EACCES, ...) when `failure` is "spawn". */
  readonly errno: string | null;
  constructor(
    fields: {
      command: readonly string[];
      failure: CommandFailure;
      exitCode: number | null;
      signal: NodeJS.Signals | null;
      stderrTail: string;
      errno?: string | null;
      message: string;
    },
    options?: { cause?: unknown },
  ) {
    super("COMMAND_FAILED", fields.message, options);
    this.command = fields.command;
    this.failure = fields.failure;
    this.exitCode = fields.exitCode;
    this.signal = fields.signal;
    this.stderrTail = fields.stderrTail;
    this.errno = fields.errno ?? null;
  }
}

/** A module executor could not load its file, or the file has no function under the export. */
export class ModuleLoadError extends KairosError {
  /** The resolved, absolute path of the module. */
  readonly file: string;
  /** The export that was looked for ("default" unless configured). */
  readonly exportName: string;
  constructor(
    fields: { file: string; exportName: string; message: string },
    options?: { cause?: unknown },
  ) {
    super("MODULE_LOAD", fields.message, options);
    this.file = fields.file;
    this.exportName = fields.exportName;
  }
}
