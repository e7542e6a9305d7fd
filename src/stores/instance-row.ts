/**
 * @module stores/instance-row
 * One row of `instances` as both adapters read and write it, and its mapping to the port's
 * InstanceRecord (PostgreSQL may return BIGINT times as strings; SQLite stores booleans as 0/1).
 */
import type { InstanceDuty, InstanceRecord } from "../ports/instance-store.js";

/** The columns of an `instances` row as selected by both adapters. */
export interface InstanceRow {
  instance: string;
  host: string;
  pid: string | number;
  version: string;
  started_at: string | number;
  heartbeat_at: string | number;
  leader: boolean | number;
  duties: string;
  slots: string | number | null;
  running: string | number | null;
  functions: string;
}

/** The values of an upsert, in column order (instance, host, pid, version, started_at, heartbeat_at, leader, duties, slots, running, functions). */
export function instanceParams(
  r: InstanceRecord,
): [
  string,
  string,
  number,
  string,
  number,
  number,
  boolean,
  string,
  number | null,
  number | null,
  string,
] {
  const duties = r.duties.map((d) => ({
    name: d.name,
    lastRunAt: d.lastRunAt,
    lastError: d.lastError,
  }));
  return [
    r.instance,
    r.host,
    r.pid,
    r.version,
    r.startedAt,
    r.heartbeatAt,
    r.leader,
    JSON.stringify(duties),
    r.slots,
    r.running,
    JSON.stringify(r.functions),
  ];
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** The port's view of a row. */
export function toInstanceRecord(row: InstanceRow): InstanceRecord {
  return {
    instance: row.instance,
    host: row.host,
    pid: Number(row.pid),
    version: row.version,
    startedAt: Number(row.started_at),
    heartbeatAt: Number(row.heartbeat_at),
    leader: row.leader === true || row.leader === 1,
    duties: JSON.parse(row.duties) as InstanceDuty[],
    slots: num(row.slots),
    running: num(row.running),
    functions: JSON.parse(row.functions) as string[],
  };
}
