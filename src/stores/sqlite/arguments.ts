/**
 * @module stores/sqlite/arguments
 * Conversions of port arguments to SQL parameters. Job ids are decimal strings in the port and
 * INTEGER rowids in SQLite.
 */

const JOB_ID = /^[1-9][0-9]{0,15}$/;

/**
 * The rowid for a job id string, or null when the string cannot name a stored job (not a
 * positive decimal integer, or beyond the safe integer range). Callers treat null as "no such
 * job", exactly as a well-formed id that matches no row.
 */
export function parseJobId(id: string): number | null {
  if (!JOB_ID.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}

/** `limit` (or `fallback` when undefined) as an integer in [0, max]; never negative, which SQLite would read as "no limit". */
export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  const value = limit === undefined || Number.isNaN(limit) ? fallback : Math.floor(limit);
  return Math.min(Math.max(value, 0), max);
}
