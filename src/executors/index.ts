/**
 * @module executors
 * The built-in executors: each turns a declarative spec (as written in kairos.yaml) into a
 * JobHandler the worker pool runs like any inline handler. `createExecutorHandler` picks the
 * executor by `kind`.
 */
import { ValidationError } from "../core/errors.js";
import type { JobHandler } from "../ports/executor.js";
import { createCommandHandler, type CommandExecutorSpec } from "./command.js";
import { createHttpHandler, type HttpExecutorSpec } from "./http.js";
import { createModuleHandler, type ModuleExecutorSpec } from "./module.js";

/** A function's executor, discriminated by `kind`. */
export type ExecutorSpec =
  | ({ kind: "http" } & HttpExecutorSpec)
  | ({ kind: "command" } & CommandExecutorSpec)
  | ({ kind: "module" } & ModuleExecutorSpec);

/** The `kind`s of executor there are. */
export type ExecutorKind = ExecutorSpec["kind"];

/**
 * The handler for `spec`. Async because a module executor imports its file up front; the
 * spec is validated here (ValidationError, or ModuleLoadError for a module that cannot load).
 */
export async function createExecutorHandler(spec: ExecutorSpec): Promise<JobHandler> {
  const kind = spec.kind;
  switch (kind) {
    case "http":
      return createHttpHandler(spec);
    case "command":
      return createCommandHandler(spec);
    case "module":
      return createModuleHandler(spec);
    default: {
      const unknownKind: never = kind;
      throw new ValidationError(
        `executor kind must be "http", "command" or "module", got ${JSON.stringify(unknownKind)}`,
      );
    }
  }
}

export {
  createCommandHandler,
  KILL_GRACE_MS,
  MAX_LOG_LINES,
  type CommandExecutorResult,
  type CommandExecutorSpec,
} from "./command.js";
export {
  CommandExecutorError,
  HttpExecutorError,
  HttpRequestError,
  ModuleLoadError,
  type CommandFailure,
  type HttpRequestFailure,
} from "./errors.js";
export { createHttpHandler, type HttpExecutorResult, type HttpExecutorSpec } from "./http.js";
export type { ExecutorHandler } from "../ports/executor.js";
export { OUTPUT_LIMIT_BYTES } from "./limits.js";
export { createModuleHandler, type ModuleExecutorSpec } from "./module.js";
