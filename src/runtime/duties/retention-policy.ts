/**
 * @module runtime/duties/retention-policy
 * The retention policy the leader applies, read afresh for every retention run: the engine's
 * default (`createKairos({ retention })`, from kairos.yaml's top-level `retention` under
 * `kairos dev`), and per function the retention declared in kairos.yaml and stored by `kairos
 * apply` — which wins, as for every other job option — else its `define()` option here.
 */
import {
  resolveRetention,
  type RetentionOption,
  type RetentionPolicy,
} from "../../core/retention.js";
import type { StoredFunction } from "../../ports/schedule-store.js";
import type { FunctionDefinition } from "../functions.js";

/** The sources of the policy. */
export interface RetentionSources {
  /** The engine's default; undefined: 7 days. */
  readonly defaultRetention: RetentionOption | undefined;
  /** Functions defined in this process. */
  defined(): readonly FunctionDefinition[];
  /** Functions stored by `kairos apply` (empty without a schedule store). */
  declared(): Promise<readonly StoredFunction[]>;
}

/** Resolve the current policy. */
export async function currentRetention(sources: RetentionSources): Promise<RetentionPolicy> {
  const perFunction = new Map<string, RetentionOption>();
  for (const def of sources.defined()) {
    if (def.retentionMs !== undefined) perFunction.set(def.name, def.retentionMs ?? "forever");
  }
  for (const fn of await sources.declared()) {
    const declared = declaredRetention(fn);
    if (declared !== undefined) perFunction.set(fn.name, declared ?? "forever");
  }
  return resolveRetention({
    default: sources.defaultRetention,
    functions: perFunction.entries(),
  });
}

/** A stored spec's `options.retentionMs`: ms, null (forever), or undefined (not declared). */
function declaredRetention(fn: StoredFunction): number | null | undefined {
  if (fn.kind === "inline") return undefined;
  try {
    const spec = JSON.parse(fn.specJson) as { options?: { retentionMs?: number | null } } | null;
    return spec?.options?.retentionMs;
  } catch {
    return undefined;
  }
}
