/**
 * @module core/cron/count
 * How many times a cron schedule fires in a range, without enumerating the fires: a year of an
 * every-second schedule is counted as fast as a year of a daily one. Used to summarise long
 * outages. The count agrees with `nextCronFire` (same DST rule, see `next.ts`).
 *
 * Method: split the range at the zone's offset transitions; between two transitions wall time
 * is instant + a constant, so the fires are the matching wall times, counted per day with
 * prefix sums over the hour, minute and second sets. Then correct at each transition: a
 * fixed-time schedule gains one fire at a spring-forward whose gap holds a match, and loses
 * the second occurrences after a fall-back.
 *
 * Cost: O(days in the range) cheap steps plus one Intl call per day to find transitions.
 */
import { compileCron } from "./compile.js";
import type { ParsedCron } from "./parse.js";
import { assertTimeZone, nextTransition, offsetAt, recentTransition } from "./time-zone.js";

/**
 * The number of fire instants f with `afterMs < f <= untilMs` of the cron expression in
 * `timezone` (0 when `untilMs <= afterMs`). Throws CronError for an invalid expression or
 * timezone.
 */
export function countCronFires(
  expr: string,
  timezone: string,
  afterMs: number,
  untilMs: number,
): number {
  const { parsed } = compileCron(expr);
  assertTimeZone(timezone, expr);
  if (!(untilMs > afterMs)) return 0;
  const fixed = !parsed.followsElapsedTime;
  const walls = wallCounter(parsed);
  let total = 0;
  let lowExclusive = afterMs;
  let scanFrom = afterMs;
  let offset = offsetAt(timezone, afterMs);
  // Wall times below this, in the current segment, are second occurrences (fixed-time only).
  let repeatEndWall: number | null = null;
  if (fixed) {
    const recent = recentTransition(timezone, afterMs);
    if (recent !== null && recent.after < recent.before) repeatEndWall = recent.at + recent.before;
  }
  for (;;) {
    const transition = nextTransition(timezone, scanFrom, untilMs);
    const highInclusive = transition === null ? untilMs : transition.at - 1;
    const lo = lowExclusive + offset;
    const hi = highInclusive + offset;
    total += walls.count(lo, hi);
    if (repeatEndWall !== null) total -= walls.count(lo, Math.min(hi, repeatEndWall - 1));
    if (transition === null) return total;
    const { at, before, after } = transition;
    repeatEndWall = null;
    if (fixed && after > before) {
      const gapHasMatch = walls.count(at + before - 1, at + after - 1) > 0;
      if (gapHasMatch && !walls.matches(at + after)) total += 1;
    } else if (fixed && after < before) {
      repeatEndWall = at + before;
    }
    lowExclusive = at - 1;
    scanFrom = at;
    offset = after;
  }
}

interface WallCounter {
  /** Matching wall times W (whole seconds, fake-UTC ms) with lo < W <= hi. */
  count(lo: number, hi: number): number;
  /** Whether the wall time (whole second) matches. */
  matches(wall: number): boolean;
}

const counters = new WeakMap<ParsedCron, WallCounter>();

function wallCounter(p: ParsedCron): WallCounter {
  const hit = counters.get(p);
  if (hit !== undefined) return hit;
  const hours = membership(p.hour.values, 24);
  const minutes = membership(p.minute.values, 60);
  const seconds = membership(p.second.values, 60);
  const months = membership(p.month.values, 13);
  const doms = membership(p.dayOfMonth.values, 32);
  const dows = membership(p.dayOfWeek.values, 7);
  const hoursBelow = prefix(hours);
  const minutesBelow = prefix(minutes);
  const secondsBelow = prefix(seconds);
  const perHour = p.minute.values.length * p.second.values.length;
  const perMinute = p.second.values.length;
  const perDay = p.hour.values.length * perHour;

  /** Matching times of day (in seconds) strictly below `tod` (0..86400). */
  const todBelow = (tod: number): number => {
    if (tod >= 86_400) return perDay;
    const h = Math.floor(tod / 3600);
    const m = Math.floor((tod % 3600) / 60);
    const s = tod % 60;
    let n = (hoursBelow[h] ?? 0) * perHour;
    if (hours[h] === true) {
      n += (minutesBelow[m] ?? 0) * perMinute;
      if (minutes[m] === true) n += secondsBelow[s] ?? 0;
    }
    return n;
  };
  const dayMatches = (day: number): boolean => {
    const d = new Date(day * 86_400_000);
    if (months[d.getUTCMonth() + 1] !== true) return false;
    const dom = doms[d.getUTCDate()] === true;
    const dow = dows[d.getUTCDay()] === true;
    if (p.dayOfMonth.star) return dow;
    if (p.dayOfWeek.star) return dom;
    return dom || dow;
  };
  const counter: WallCounter = {
    count(lo, hi) {
      const a = Math.floor(lo / 1000);
      const b = Math.floor(hi / 1000);
      if (b <= a) return 0;
      let total = 0;
      const lastDay = Math.floor(b / 86_400);
      for (let day = Math.floor((a + 1) / 86_400); day <= lastDay; day++) {
        if (!dayMatches(day)) continue;
        const start = day * 86_400;
        const from = Math.max(a + 1, start) - start;
        const to = Math.min(b, start + 86_399) - start;
        total += todBelow(to + 1) - todBelow(from);
      }
      return total;
    },
    matches(wall) {
      if (wall % 1000 !== 0) return false;
      const sec = wall / 1000;
      const day = Math.floor(sec / 86_400);
      const tod = sec - day * 86_400;
      return (
        dayMatches(day) &&
        hours[Math.floor(tod / 3600)] === true &&
        minutes[Math.floor((tod % 3600) / 60)] === true &&
        seconds[tod % 60] === true
      );
    },
  };
  counters.set(p, counter);
  return counter;
}

function membership(values: readonly number[], size: number): boolean[] {
  const out = new Array<boolean>(size).fill(false);
  for (const v of values) out[v] = true;
  return out;
}

/** out[i] = how many of member[0..i-1] are true. */
function prefix(member: readonly boolean[]): number[] {
  const out = [0];
  for (let i = 0; i < member.length; i++) out.push((out[i] ?? 0) + (member[i] === true ? 1 : 0));
  return out;
}
