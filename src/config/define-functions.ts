/**
 * @module config/define-functions
 * Define the functions of a resolved kairos.yaml on an engine: each becomes an executor
 * handler (http, command, module) with its job options.
 */
import type { Kairos } from "../runtime/kairos.js";
import type { FunctionOptions } from "../runtime/functions.js";
import { createExecutorHandler } from "../executors/index.js";
import type { ResolvedConfig } from "./index.js";

/** Define every function of `config` on `kairos`; throws if one cannot be built (e.g. a missing module). */
export async function defineConfigFunctions(kairos: Kairos, config: ResolvedConfig): Promise<void> {
  for (const fn of config.functions) {
    const handler = await createExecutorHandler({ kind: fn.kind, ...fn.executor } as Parameters<
      typeof createExecutorHandler
    >[0]);
    const { concurrency, retentionMs, ...rest } = fn.options;
    const options: FunctionOptions = {
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
    kairos.define(fn.name, handler, options);
  }
}
