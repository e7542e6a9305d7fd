/**
 * @module stores/postgres/arguments
 * Conversions of port arguments to SQL parameters. Ids are decimal strings in the port and
 * BIGINT in PostgreSQL; a string that is not an id must name no row rather than fail the cast.
 */

const ID = /^[1-9][0-9]{0,18}$/;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/**
 * The id as a decimal string safe to bind as `$n::bigint`, or null when the string cannot name
 * a stored row (not a positive decimal integer, or beyond BIGINT). Callers treat null as "no
 * such row", exactly as a well-formed id that matches nothing.
 */
export function parseId(id: string): string | null {
  if (!ID.test(id)) return null;
  return BigInt(id) <= MAX_BIGINT ? id : null;
}

/** `limit` (or `fallback` when undefined/NaN) as an integer in [0, max]. */
export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  const value = limit === undefined || Number.isNaN(limit) ? fallback : Math.floor(limit);
  return Math.min(Math.max(value, 0), max);
}

/**
 * Text as PostgreSQL can store it: TEXT cannot hold NUL characters, so each becomes U+FFFD.
 * (JSON text never has a raw NUL: JSON.stringify escapes it.)
 */
export function pgText(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}
