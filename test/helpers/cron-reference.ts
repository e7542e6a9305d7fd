/**
 * A brute-force reference for cron fires in a timezone, written independently of
 * `src/core/cron` to check it: it steps through real instants one at a time, reads the wall
 * clock with Intl, and applies the DST rule literally (fixed-time: first occurrence only, and
 * one fire at the first instant after a jump over a matching wall time; elapsed-time: every
 * instant whose wall time matches). Slow on purpose; use small windows.
 */

/** A wall-time reading. `dow` 0 = Sunday. */
export interface Wall {
  readonly y: number;
  readonly mo: number;
  readonly d: number;
  readonly h: number;
  readonly mi: number;
  readonly s: number;
  readonly dow: number;
  /** The reading as fake-UTC ms, for comparisons. */
  readonly key: number;
}

/** A schedule for the reference: a predicate on wall time and its DST class. */
export interface ReferenceSpec {
  readonly expr: string;
  readonly elapsed: boolean;
  readonly match: (w: Wall) => boolean;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const walls = new Map<string, Wall>();

/** The wall clock of `timezone` at instant `t` (whole seconds), memoised. */
export function wallOf(timezone: string, t: number): Wall {
  const cacheKey = `${timezone}@${t}`;
  const hit = walls.get(cacheKey);
  if (hit !== undefined) return hit;
  let f = formats.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timezone, f);
  }
  const get = (type: string): number =>
    Number(f.formatToParts(t).find((p) => p.type === type)?.value);
  const [y, mo, d, h, mi, s] = ["year", "month", "day", "hour", "minute", "second"].map(get) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const key = Date.UTC(y, mo - 1, d, h, mi, s);
  const w: Wall = { y, mo, d, h, mi, s, dow: new Date(key).getUTCDay(), key };
  walls.set(cacheKey, w);
  return w;
}

function wallFromKey(key: number): Wall {
  const dt = new Date(key);
  return {
    y: dt.getUTCFullYear(),
    mo: dt.getUTCMonth() + 1,
    d: dt.getUTCDate(),
    h: dt.getUTCHours(),
    mi: dt.getUTCMinutes(),
    s: dt.getUTCSeconds(),
    dow: dt.getUTCDay(),
    key,
  };
}

/**
 * Every fire instant in [from, to] (stepping `stepMs`, 60 000 for minute schedules, 1 000 for
 * second ones; transitions must fall on a step). Ascending.
 */
export function referenceFires(
  spec: ReferenceSpec,
  timezone: string,
  from: number,
  to: number,
  stepMs = 60_000,
): number[] {
  const out: number[] = [];
  const lookBack = (3 * 3_600_000) / stepMs;
  for (let t = from; t <= to; t += stepMs) {
    const w = wallOf(timezone, t);
    const prev = wallOf(timezone, t - stepMs);
    let fires = false;
    if (spec.match(w)) {
      if (spec.elapsed) fires = true;
      else {
        let seenBefore = false;
        for (let k = 1; k <= lookBack && !seenBefore; k++)
          seenBefore = wallOf(timezone, t - k * stepMs).key === w.key;
        fires = !seenBefore;
      }
    }
    if (!fires && !spec.elapsed && w.key - prev.key > stepMs) {
      // Clocks jumped forward between t - step and t: fire at t if a skipped wall time matches.
      for (let g = prev.key + stepMs; g < w.key && !fires; g += stepMs)
        fires = spec.match(wallFromKey(g));
    }
    if (fires) out.push(t);
  }
  return out;
}
