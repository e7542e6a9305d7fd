/**
 * @module api/log-levels
 * The log levels, apart from the logger (pino), so that the CLI can offer them as choices
 * without loading it.
 */

/** The log levels `--log-level` and `KAIROS_LOG_LEVEL` accept. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** One of LOG_LEVELS. */
export type LogLevel = (typeof LOG_LEVELS)[number];
