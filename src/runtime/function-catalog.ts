/**
 * @module runtime/function-catalog
 * Which functions this deployment knows, and who runs them: the check every job creator
 * (enqueue, enqueueMany, a schedule's creation or manual trigger) makes before writing, and the
 * `kairos.functions` read API (`kairos functions list`, the "no live worker" notice).
 *
 * A function is known when it is defined in this process, or stored (declared by `kairos
 * apply`, or registered by a process that defines it, see runtime/function-presence). The
 * check stays cheap: a name defined here needs no store read, and a name found in the store
 * once is remembered (functions are not forgotten while a deployment runs; a pruned one is
 * still accepted by this process until it restarts). A name not found is read again next time,
 * since another process may register it meanwhile.
 */
import { UnknownFunctionError } from "../core/errors.js";
import type { FunctionWorker, StoredFunction } from "../core/functions/types.js";
import { closest } from "../core/suggest.js";
import type { Clock } from "../ports/clock.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import { DEFAULT_PRESENCE_INTERVAL_MS, PRESENCE_TTL_INTERVALS } from "./function-presence.js";
import type { FunctionRegistry } from "./functions.js";

/** A function as `kairos functions list` shows it. */
export interface FunctionInfo {
  readonly name: string;
  readonly kind: StoredFunction["kind"];
  /** `yaml`: declared by `kairos apply`; `define`: registered by a process that defines it. */
  readonly source: "yaml" | "define" | "api";
  /** Worker processes live now that define it. */
  readonly liveWorkers: number;
  /** The error of each live worker that reported it unavailable (e.g. its module failed to load). */
  readonly unavailable: readonly string[];
}

/** Reading the function registry. */
export interface FunctionsApi {
  /** Every function in the store, by name, with its live workers. */
  list(): Promise<FunctionInfo[]>;
  /** The live worker processes that define `fn` (none: its queued jobs wait). */
  liveWorkers(fn: string): Promise<FunctionWorker[]>;
  /**
   * Why a queued job of `fn` cannot start now, or null when some live worker can run it:
   * `no live worker defines fn X; start one that does`, or the error every live worker
   * reported it unavailable with.
   */
  waitingReason(fn: string): Promise<string | null>;
}

/** What the catalog is handed. */
export interface FunctionCatalogDeps {
  readonly registry: FunctionRegistry;
  /** Null: no store of functions, so every name is accepted. */
  readonly store: ScheduleStore | null;
  readonly clock: Clock;
  /** The heartbeat interval of the deployment's workers (ms); default 10 s. */
  readonly presenceIntervalMs: number | undefined;
  assertOpen(): void;
}

/** The known-function check and the functions API; see the module header. */
export class FunctionCatalog implements FunctionsApi {
  private readonly found = new Set<string>();

  constructor(private readonly deps: FunctionCatalogDeps) {}

  /**
   * Resolve when `fn` is known (see the module header); throw UnknownFunctionError with the
   * closest known name otherwise. Nothing is checked without a function store.
   */
  async assertKnown(fn: string): Promise<void> {
    if (this.deps.registry.get(fn) !== undefined || this.found.has(fn)) return;
    const store = this.deps.store;
    if (store === null) return;
    if ((await store.getFunction(fn)) !== null) {
      this.found.add(fn);
      return;
    }
    const names = new Set([
      ...this.deps.registry.names(),
      ...(await store.listFunctions()).map((f) => f.name),
    ]);
    throw new UnknownFunctionError(fn, closest(fn, names));
  }

  /**
   * True when `fn` is defined here or stored now (read fresh, unlike `assertKnown`'s memory:
   * a function pruned meanwhile is unknown); true for every name without a function store.
   */
  /**
   * Why `fn` cannot run anywhere, or null: it is unavailable here (its module failed to load,
   * ...) and no live worker runs it, or every live worker reported it unavailable. Null when
   * some process can run it, or when no live worker is known and it is not unavailable here
   * (a worker may still come: the start grace window decides).
   */
  async unavailableEverywhere(fn: string): Promise<string | null> {
    const local = this.deps.registry.get(fn)?.unavailable ?? null;
    if (this.deps.registry.get(fn) !== undefined && local === null) return null;
    const workers = await this.workers(fn);
    if (workers.some((w) => w.unavailable === null)) return null;
    return local ?? workers.find((w) => w.unavailable !== null)?.unavailable ?? null;
  }

  async isKnownNow(fn: string): Promise<boolean> {
    if (this.deps.registry.get(fn) !== undefined) return true;
    const store = this.deps.store;
    return store === null || (await store.getFunction(fn)) !== null;
  }

  async list(): Promise<FunctionInfo[]> {
    this.deps.assertOpen();
    const store = this.deps.store;
    if (store === null) return [];
    const [functions, workers] = await Promise.all([store.listFunctions(), this.workers()]);
    return functions.map((f) => {
      const mine = workers.filter((w) => w.fn === f.name);
      return {
        name: f.name,
        kind: f.kind,
        source: f.source === "config" ? "yaml" : f.source,
        liveWorkers: mine.length,
        unavailable: [...new Set(mine.flatMap((w) => (w.unavailable ? [w.unavailable] : [])))],
      };
    });
  }

  /** Every function name the deployment knows: defined here, declared, or registered by a worker. */
  async knownNames(): Promise<Set<string>> {
    const stored = this.deps.store ? await this.deps.store.listFunctions() : [];
    return new Set([...this.deps.registry.names(), ...stored.map((f) => f.name)]);
  }

  async liveWorkers(fn: string): Promise<FunctionWorker[]> {
    this.deps.assertOpen();
    return this.workers(fn);
  }

  async waitingReason(fn: string): Promise<string | null> {
    this.deps.assertOpen();
    const def = this.deps.registry.get(fn);
    if (def && def.unavailable === null) return null;
    const workers = await this.workers(fn);
    if (workers.some((w) => w.unavailable === null)) return null;
    const first = workers[0];
    if (first === undefined) return `no live worker defines fn ${fn}; start one that does`;
    return `fn ${fn} is unavailable on every live worker: ${first.unavailable ?? ""}`;
  }

  private async workers(fn?: string): Promise<FunctionWorker[]> {
    const registry = this.deps.store?.functionRegistry;
    if (!registry) return [];
    const interval = this.deps.presenceIntervalMs ?? DEFAULT_PRESENCE_INTERVAL_MS;
    return registry.liveWorkers(this.deps.clock.now() - interval * PRESENCE_TTL_INTERVALS, fn);
  }
}
