/**
 * @module ports/logger
 * An injected, structured logger. The library never calls `console.*`; pass a pino logger
 * (or anything with the same four methods) to see what it does.
 */

/** The subset of pino's API Kairos uses. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
