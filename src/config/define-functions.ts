/**
 * @module config/define-functions
 * Define the functions of a resolved kairos.yaml on an engine: each becomes an executor
 * handler (http, command, module) with its job options. One broken function never stops the
 * others: a function whose handler cannot be built (a module file that is missing, throws at
 * import or lacks its export) is defined as unavailable with that error, so its jobs fail at
 * once with the error as their reason, and it is returned for the caller to report.
 */
import type { Kairos } from "../runtime/kairos.js";
import type { FunctionOptions } from "../runtime/functions.js";
import { createExecutorHandler } from "../executors/index.js";
import type { ResolvedConfig } from "./index.js";

/** A config function that could not be built, and why. */
export interface UnavailableFunction {
  readonly name: string;
  readonly error: string;
}

/**
 * Define every function of `config` on `kairos`. Returns the functions defined as unavailable
 * (their handler could not be built), in config order; throws only for what no function can
 * recover from (e.g. a name defined twice).
 */
export async function defineConfigFunctions(
  kairos: Kairos,
  config: ResolvedConfig,
): Promise<UnavailableFunction[]> {
  const unavailable: UnavailableFunction[] = [];
  for (const fn of config.functions) {
    const options = functionOptions(fn.options);
    let handler: Awaited<ReturnType<typeof createExecutorHandler>>;
    try {
      handler = await createExecutorHandler({ kind: fn.kind, ...fn.executor } as Parameters<
        typeof createExecutorHandler
      >[0]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      kairos.defineUnavailable(fn.name, message, options);
      unavailable.push({ name: fn.name, error: message });
      continue;
    }
    kairos.define(fn.name, handler, options);
  }
  return unavailable;
}

function functionOptions(
  fnOptions: ResolvedConfig["functions"][number]["options"],
): FunctionOptions {
  const { concurrency, retentionMs, ...rest } = fnOptions;
  return {
    ...rest,
    ...(retentionMs !== undefined ? { retention: retentionMs ?? "forever" } : {}),
    ...(concurrency
      ? {
          concurrency: {
            key: concurrency.keyTemplate,
            limit: concurrency.limit,
          },
        }
      : {}),
  };
}
