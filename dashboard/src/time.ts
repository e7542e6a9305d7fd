/**
 * @module dashboard/time
 * Relative timestamps ("3 min ago", "in 2 h") with the absolute instant for the hover title.
 */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Infinity],
];

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

/** `at` relative to `now` (both epoch ms), in the viewer's locale. */
export function relativeTime(at: number, now: number): string {
  let value = (at - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(value) < size) return rtf.format(Math.round(value), unit);
    value /= size;
  }
  return rtf.format(Math.round(value), "year");
}

/** The absolute instant, in the viewer's time zone and in UTC. */
export function absoluteTime(at: number): string {
  const d = new Date(at);
  return `${d.toLocaleString()} (${d.toISOString()})`;
}
