/**
 * The schedule check the apiserver runs on `spec.schedule` (robfig/cron ParseStandard): five
 * fields or a descriptor. Returns the parser's error message, or undefined when it parses.
 */

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];
const DESCRIPTORS = new Set([
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
]);

function parseNumber(text: string, bounds: Bounds): number | string {
  const named = bounds.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + bounds.min;
  if (!/^\d+$/.test(text))
    return `failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
  return Number(text);
}

function checkRange(expr: string, bounds: Bounds): string | undefined {
  const slash = expr.split("/");
  if (slash.length > 2) return `too many slashes: ${expr}`;
  const [rangePart = "", stepPart] = slash;
  const hyphen = rangePart.split("-");
  if (hyphen.length > 2) return `too many hyphens: ${expr}`;
  let start = bounds.min;
  let end = bounds.max;
  if (rangePart !== "*" && rangePart !== "?") {
    const a = parseNumber(hyphen[0] ?? "", bounds);
    if (typeof a === "string") return a;
    start = a;
    end = a;
    if (hyphen.length === 2) {
      const b = parseNumber(hyphen[1] ?? "", bounds);
      if (typeof b === "string") return b;
      end = b;
    }
  }
  if (stepPart !== undefined) {
    const step = parseNumber(stepPart, { min: 0, max: 0 });
    if (typeof step === "string") return step;
    if (step <= 0) return `step of range should be a positive number: ${expr}`;
  }
  if (start < bounds.min)
    return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** The robfig/cron error for `schedule`, or undefined when the CronJob controller can parse it. */
export function cronScheduleError(schedule: string): string | undefined {
  if (schedule.startsWith("@")) {
    if (schedule.startsWith("@every ")) {
      const d = schedule.slice("@every ".length);
      return DURATION.test(d)
        ? undefined
        : `failed to parse duration ${schedule}: time: invalid duration ${JSON.stringify(d)}`;
    }
    return DESCRIPTORS.has(schedule) ? undefined : `unrecognized descriptor: ${schedule}`;
  }
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5)
    return `expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`;
  for (let i = 0; i < 5; i += 1) {
    for (const expr of (fields[i] ?? "").split(",")) {
      const error = checkRange(expr, FIELDS[i] ?? { min: 0, max: 0 });
      if (error !== undefined) return error;
    }
  }
  return undefined;
}

/** True when the runtime knows `zone` as an IANA time zone (what time.LoadLocation needs). */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === "UTC") return true;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions()
      .timeZone;
    // Intl ignores case, the zoneinfo files do not: "europe/paris" is unknown to the apiserver.
    return resolved === zone || resolved.toLowerCase() !== zone.toLowerCase();
  } catch {
    return false;
  }
}
