/**
 * @module runtime/instances-api
 * `kairos.instances()`: the deployment's processes from the instance table, each marked `live`
 * while its last heartbeat is within the TTL (`PRESENCE_TTL_INTERVALS` report intervals, the
 * function registry's rule) by this process's clock. A started process shows its own row as it
 * would report it now (fresh duties), whatever the store holds. Order: live leader first, then
 * the other live processes, then stale ones; by instance id within each.
 */
import type { Clock } from "../ports/clock.js";
import type { InstanceRecord, InstanceStore } from "../ports/instance-store.js";
import { DEFAULT_PRESENCE_INTERVAL_MS, PRESENCE_TTL_INTERVALS } from "./function-presence.js";
import type { InstanceReporter } from "./instance-reporter.js";

export type { InstanceDuty, InstanceRecord } from "../ports/instance-store.js";

/** One process of the deployment as `kairos.instances()` lists it. */
export interface InstanceInfo extends InstanceRecord {
  /** Its last heartbeat is within the TTL: it is running (else it died or hangs). */
  readonly live: boolean;
}

/** What `listInstances` reads of the engine. */
export interface InstancesSource {
  /** Its instance table lives here (none: only this process is listed, when started). */
  readonly scheduleStore: { readonly instances?: InstanceStore } | null;
  readonly clock: Clock;
  /** The report interval (ms, default 10 s); the TTL is PRESENCE_TTL_INTERVALS of them. */
  readonly presenceIntervalMs?: number;
}

const rank = (i: InstanceInfo): number => (i.live ? (i.leader ? 0 : 1) : 2);

/** The processes, ordered and marked live; see the module header. */
export async function listInstances(
  source: InstancesSource,
  self: InstanceReporter | null,
): Promise<InstanceInfo[]> {
  const stored = (await source.scheduleStore?.instances?.list()) ?? [];
  const own = self?.current() ?? null;
  const rows = own ? [...stored.filter((r) => r.instance !== own.instance), own] : stored;
  const intervalMs = source.presenceIntervalMs ?? DEFAULT_PRESENCE_INTERVAL_MS;
  const since = source.clock.now() - intervalMs * PRESENCE_TTL_INTERVALS;
  return rows
    .map((r) => ({ ...r, live: r.heartbeatAt >= since }))
    .sort(
      (a, b) =>
        rank(a) - rank(b) || (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0),
    );
}
