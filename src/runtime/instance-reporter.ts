/**
 * @module runtime/instance-reporter
 * This process's row in the instance table while it is started: host, pid, version, whether
 * it leads, its leader duties' last runs, its workers and functions. It reports at start, then
 * every `intervalMs` (the function registry's interval), and at once when this process is
 * elected or loses leadership, so the cluster view flips without waiting an interval; at a
 * clean stop it deletes its row. Rows whose heartbeat is older than `INSTANCE_EXPIRY_MS` are
 * deleted by any report. A process that never calls `start()` writes nothing.
 *
 * A failed report is logged and retried at the next interval; it never stops the engine.
 */
import os from "node:os";
import type { Clock } from "../ports/clock.js";
import type { InstanceRecord, InstanceStore } from "../ports/instance-store.js";
import type { Logger } from "../ports/logger.js";
import type { ScheduleStore } from "../ports/schedule-store.js";
import type { EventBus } from "./event-bus.js";
import { DEFAULT_PRESENCE_INTERVAL_MS } from "./function-presence.js";
import { HeartbeatLoop } from "./heartbeat-loop.js";
import type { FunctionRegistry } from "./functions.js";
import type { LeadershipReport } from "./leadership.js";
import { kairosVersion } from "./package-version.js";

/** A row is deleted once its heartbeat is this old (a stale process stays listed, greyed, until then). */
export const INSTANCE_EXPIRY_MS = 60 * 60 * 1000;

/** What changes between reports, read from the engine at each one. */
export type InstanceSnapshot = Pick<
  InstanceRecord,
  "leader" | "duties" | "slots" | "running" | "functions"
>;

/**
 * The snapshot of an engine: its leadership report (the duties active or run here), its
 * functions, its worker slots (null: it runs no workers).
 */
export function instanceSnapshot(
  report: LeadershipReport,
  registry: FunctionRegistry,
  slots: number | null,
  running: number,
): InstanceSnapshot {
  return {
    leader: report.isLeader,
    // A duty that is not active here and never ran here says nothing (a standby's list).
    duties: report.duties
      .filter((d) => d.active || d.lastRunAt !== null)
      .map((d) => ({
        name: d.name,
        lastRunAt: d.lastRunAt,
        lastError: d.lastError,
      })),
    slots,
    running: slots === null ? null : running,
    functions: registry.all().map((d) => d.name),
  };
}

/** What the reporter is handed. */
export interface InstanceReporterDeps {
  readonly store: InstanceStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventBus;
  /** This process's worker id. */
  readonly instance: string;
  readonly intervalMs: number;
  readonly snapshot: () => InstanceSnapshot;
}

/** Reports this process to the instance table; see the module header. */
export class InstanceReporter {
  private readonly loop: HeartbeatLoop;
  private readonly startedAt: number;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: InstanceReporterDeps) {
    this.startedAt = deps.clock.now();
    this.loop = new HeartbeatLoop(deps.clock, deps.intervalMs, () => this.report());
  }

  /** Start reporting as `instance`; null when the store has no instance table. */
  static async startFor(
    engine: {
      readonly scheduleStore: ScheduleStore | null;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly presenceIntervalMs?: number;
    },
    events: EventBus,
    instance: string,
    snapshot: () => InstanceSnapshot,
  ): Promise<InstanceReporter | null> {
    const store = engine.scheduleStore?.instances;
    if (!store) return null;
    const { clock, logger } = engine;
    const intervalMs = engine.presenceIntervalMs ?? DEFAULT_PRESENCE_INTERVAL_MS;
    const reporter = new InstanceReporter({
      ...{ store, clock, logger, events, instance, intervalMs, snapshot },
    });
    await reporter.start();
    return reporter;
  }

  /** Report now, then every interval and on leadership changes. Resolves after the first report. */
  async start(): Promise<void> {
    if (this.loop.active) return;
    for (const name of ["leader:elected", "leader:lost"] as const) {
      this.unsubscribe.push(this.deps.events.on(name, () => void this.refresh()));
    }
    await this.loop.start();
  }

  /** Report now (and restart the interval). */
  refresh(): Promise<void> {
    return this.loop.refresh();
  }

  /** This process's row as it would report it now. */
  current(): InstanceRecord {
    return {
      instance: this.deps.instance,
      host: os.hostname(),
      pid: process.pid,
      version: kairosVersion(),
      startedAt: this.startedAt,
      heartbeatAt: this.deps.clock.now(),
      ...this.deps.snapshot(),
    };
  }

  /** Stop reporting and delete this process's row. */
  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    if (!(await this.loop.stop())) return;
    await this.deps.store.remove(this.deps.instance).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, "instances: could not remove this process");
    });
  }

  private async report(): Promise<void> {
    const record = this.current();
    try {
      await this.deps.store.upsert(record, record.heartbeatAt - INSTANCE_EXPIRY_MS);
    } catch (error) {
      this.deps.logger.warn({ err: error }, "instances: heartbeat failed; will retry");
    }
  }
}
