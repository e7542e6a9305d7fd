/**
 * @module config
 * `kairos.yaml`: load and validate it (every problem with `file:line:column`), the resolved
 * form the runtime uses, concurrency key templates, and the JSON Schema published for editors.
 */
export { concurrencyKeyFromTemplate, parseKeyTemplate } from "../core/jobs/concurrency-key.js";
export { ConfigError, formatIssue, type ConfigIssue } from "./errors.js";
export { configJsonSchema } from "./json-schema.js";
export { loadConfig, parseConfig, type ConfigEnv } from "./load.js";
export { ConfigSchema, type ConfigInput, type ConfigOutput } from "./schema.js";
export {
  SCHEDULE_DEFAULTS,
  type CommandExecutorSpec,
  type ConfigFunctionKind,
  type ExecutorSpec,
  type HttpExecutorSpec,
  type ModuleExecutorSpec,
  type ResolvedConfig,
  type ResolvedFunction,
  type ResolvedFunctionOptions,
  type ResolvedSchedule,
} from "./types.js";
