/**
 * @module runtime/function-presence
 * This process's entry in the function registry while its workers run: at start it registers
 * the functions it defines (source `define`, their options as the stored spec; a function
 * declared by `kairos apply` is never overwritten) and reports itself live for each of them,
 * with the reason when one is unavailable here; it repeats the report every `intervalMs`; at a
 * clean stop it removes itself. Other processes count a worker live while its last report is
 * younger than `ttlMs` (`PRESENCE_TTL_INTERVALS` intervals), so a killed process stops counting
 * by itself.
 *
 * A failed report is logged and retried at the next interval; it never stops the workers.
 */
import type { Clock } from "../ports/clock.js";
import type { FunctionRegistryStore } from "../ports/function-registry.js";
import type { Logger } from "../ports/logger.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import { definitionSpecJson, type FunctionRegistry } from "./functions.js";
import { HeartbeatLoop } from "./heartbeat-loop.js";

/** Default heartbeat interval of the function registry (ms). */
export const DEFAULT_PRESENCE_INTERVAL_MS = 10_000;

/** A worker counts as live for this many intervals after its last heartbeat. */
export const PRESENCE_TTL_INTERVALS = 3;

/** What the presence reporter is handed. */
export interface FunctionPresenceDeps {
  readonly store: FunctionRegistryStore;
  readonly registry: FunctionRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This process's worker id. */
  readonly instance: string;
  readonly intervalMs: number;
}

/** Reports this process's functions to the registry; see the module header. */
export class FunctionPresence {
  private readonly loop: HeartbeatLoop;

  constructor(private readonly deps: FunctionPresenceDeps) {
    this.loop = new HeartbeatLoop(deps.clock, deps.intervalMs, () => this.report());
  }

  /** Start reporting `registry` as `instance`; null when the store has no function registry. */
  static async startFor(
    engine: {
      readonly scheduleStore: ScheduleStore | null;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly presenceIntervalMs?: number;
    },
    registry: FunctionRegistry,
    instance: string,
  ): Promise<FunctionPresence | null> {
    const store = engine.scheduleStore?.functionRegistry;
    if (!store) return null;
    const presence = new FunctionPresence({
      store,
      registry,
      clock: engine.clock,
      logger: engine.logger,
      instance,
      intervalMs: engine.presenceIntervalMs ?? DEFAULT_PRESENCE_INTERVAL_MS,
    });
    await presence.start();
    return presence;
  }

  /** Register and report now, then every interval. Resolves after the first report. */
  async start(): Promise<void> {
    await this.loop.start();
  }

  /** Register and report now (e.g. a function was defined after start), then every interval. */
  refresh(): Promise<void> {
    return this.loop.refresh();
  }

  /** Stop reporting and remove this process from the registry. */
  async stop(): Promise<void> {
    if (!(await this.loop.stop())) return;
    await this.deps.store.removeInstance(this.deps.instance).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, "function registry: could not remove this worker");
    });
  }

  private async report(): Promise<void> {
    const { store, registry, clock, instance, intervalMs } = this.deps;
    const defs = registry.all();
    const now = clock.now();
    try {
      await store.registerDefined(
        defs.map((def) => ({ name: def.name, kind: "inline", specJson: definitionSpecJson(def) })),
        now,
      );
      await store.heartbeat(
        instance,
        defs.map((def) => ({ fn: def.name, unavailable: def.unavailable })),
        now,
        now - intervalMs * PRESENCE_TTL_INTERVALS,
      );
    } catch (error) {
      this.deps.logger.warn({ err: error }, "function registry: heartbeat failed; will retry");
    }
  }
}
