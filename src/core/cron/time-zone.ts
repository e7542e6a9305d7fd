/**
 * @module core/cron/time-zone
 * Local wall-clock time in an IANA timezone, from the tzdata of the running Node (Intl).
 *
 * A wall time is written as "fake UTC" milliseconds: the local reading 2026-03-08 02:30:00 is
 * `Date.UTC(2026, 2, 8, 2, 30)`, whatever the zone. An instant is real ms since the epoch.
 * `offsetAt(tz, t)` is `wall - instant` at instant t. Offsets are exact to the second.
 *
 * Assumptions (true of every daylight-saving rule in tzdata; historical one-off changes of a
 * whole day, such as Samoa skipping 2011-12-30, are handled as a 24 h gap): a zone changes
 * its offset at most once in any 28-hour window, and a fall-back shift is at most 3 hours.
 *
 * Pure apart from a cache of Intl formatters per zone; no clock is read.
 */
import { CronError } from "./cron-error.js";

/** A fall-back (or spring-forward) shift is at most this long (Antarctica/Troll's 2 h included). */
export const MAX_SHIFT_MS = 3 * 3_600_000;

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** True when Intl knows the IANA timezone name (e.g. "Europe/London", "UTC"). */
export function isTimeZone(timezone: string): boolean {
  if (typeof timezone !== "string" || timezone.trim() === "") return false;
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

/** Throws CronError unless `timezone` is an IANA timezone name Intl knows. */
export function assertTimeZone(timezone: string, expression: string): void {
  if (!isTimeZone(timezone)) {
    throw new CronError(`unknown IANA timezone "${String(timezone)}" for cron "${expression}"`, {
      expression,
      suggestion:
        'use a name from the IANA database such as "UTC", "Europe/London" or "America/New_York"',
    });
  }
}

/** The zone's offset (wall minus instant, in ms, whole seconds) in effect at `instant`. */
export function offsetAt(timezone: string, instant: number): number {
  if (timezone === "UTC" || timezone === "Etc/UTC") return 0; // hot path: no Intl call
  const second = Math.floor(instant / 1000) * 1000;
  let y = 0;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const part of formatter(timezone).formatToParts(second)) {
    switch (part.type) {
      case "year":
        y = Number(part.value);
        break;
      case "month":
        mo = Number(part.value);
        break;
      case "day":
        d = Number(part.value);
        break;
      case "hour":
        h = Number(part.value) % 24;
        break;
      case "minute":
        mi = Number(part.value);
        break;
      case "second":
        s = Number(part.value);
        break;
      default:
        break;
    }
  }
  const wall = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  wall.setUTCFullYear(y); // Date.UTC maps years 0-99 to 1900-1999
  return wall.getTime() - second;
}

/** The wall time (fake-UTC ms) the zone's clocks show at `instant`. */
export function wallAt(timezone: string, instant: number): number {
  return instant + offsetAt(timezone, instant);
}

/** Where a wall time falls in real time. */
export type WallResolution =
  /** The wall time happens once, at `instant`. */
  | { readonly kind: "normal"; readonly instant: number }
  /** The wall time happens twice (clocks were set back): `instants` ascending. */
  | { readonly kind: "overlap"; readonly instants: readonly number[] }
  /**
   * The wall time never happens (clocks jumped over it). `transition` is the first instant
   * after the jump; `resumesAtWall` is the wall time clocks show then.
   */
  | { readonly kind: "gap"; readonly transition: number; readonly resumesAtWall: number };

/** Map a wall time to the instants that show it. Costs a handful of Intl calls. */
export function resolveWall(timezone: string, wall: number): WallResolution {
  // Offsets lie in [-12 h, +14 h], so every instant showing `wall` is in [wall - 15 h, wall + 13 h].
  const offsets = new Set([
    offsetAt(timezone, wall - 15 * 3_600_000),
    offsetAt(timezone, wall + 13 * 3_600_000),
  ]);
  for (const o of [...offsets]) offsets.add(offsetAt(timezone, wall - o));
  const instants = [...offsets]
    .map((o) => wall - o)
    .filter((t) => offsetAt(timezone, t) === wall - t)
    .sort((a, b) => a - b);
  const [first] = instants;
  if (first !== undefined) {
    return instants.length === 1
      ? { kind: "normal", instant: first }
      : { kind: "overlap", instants };
  }
  const lo = wall - Math.max(...offsets);
  const hi = wall - Math.min(...offsets);
  const transition = transitionIn(timezone, lo, hi);
  return { kind: "gap", transition, resumesAtWall: wallAt(timezone, transition) };
}

/**
 * The first whole-second instant in (lo, hi] whose offset differs from the offset at `lo`.
 * Requires the offsets at `lo` and `hi` to differ and at most one transition between them.
 * Bisection: about log2((hi - lo) / 1 s) Intl calls.
 */
export function transitionIn(timezone: string, lo: number, hi: number): number {
  const before = offsetAt(timezone, lo);
  let a = Math.floor(lo / 1000);
  let b = Math.floor(hi / 1000);
  while (b - a > 1) {
    const m = Math.floor((a + b) / 2);
    if (offsetAt(timezone, m * 1000) === before) a = m;
    else b = m;
  }
  return b * 1000;
}

/** An offset change: at instant `at` the offset goes from `before` to `after`. */
export interface Transition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/**
 * The first offset transition in (from, until], or null. Probes once per day of the range
 * (then bisects), so a year costs about 365 Intl calls.
 */
export function nextTransition(timezone: string, from: number, until: number): Transition | null {
  let lo = from;
  let before = offsetAt(timezone, lo);
  while (lo < until) {
    const hi = Math.min(lo + DAY_MS, until);
    const o = offsetAt(timezone, hi);
    if (o !== before) {
      const at = transitionIn(timezone, lo, hi);
      return { at, before, after: offsetAt(timezone, at) };
    }
    lo = hi;
    before = o;
  }
  return null;
}

/**
 * The transition in (at - MAX_SHIFT_MS, at] if there is one: used to tell whether `at` lies
 * in the repeated hour after clocks were set back.
 */
export function recentTransition(timezone: string, at: number): Transition | null {
  const from = at - MAX_SHIFT_MS;
  const before = offsetAt(timezone, from);
  const now = offsetAt(timezone, at);
  if (before === now) return null;
  const t = transitionIn(timezone, from, at);
  return { at: t, before, after: now };
}
