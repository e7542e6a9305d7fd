/**
 * @module core/cron/compile
 * A parsed cron expression bound to croner, which enumerates matching wall times. croner runs
 * with a fixed UTC offset of 0 over "fake UTC" wall times (see `time-zone.ts`), so it does
 * calendar arithmetic only; Kairos maps wall times to instants itself (`next.ts`), because
 * croner's own timezone mode gets DST wrong in ways Kairos must not (and is ~30x slower).
 *
 * Compiled expressions are memoised (bounded); the cache holds no time-dependent state.
 */
import { Cron } from "croner";
import { parseCron, type ParsedCron } from "./parse.js";

/** A valid cron expression ready to enumerate wall times. */
export interface CompiledCron {
  readonly parsed: ParsedCron;
  /**
   * The first matching wall time (fake-UTC ms, whole seconds) strictly after `wall`, or null
   * when there is none before croner's horizon (the year 3000).
   */
  nextWall(wall: number): number | null;
}

const CACHE_LIMIT = 1_000;
const cache = new Map<string, CompiledCron>();

/** Parse (throwing CronError like `parseCron`) and bind to croner; memoised per expression. */
export function compileCron(expression: string): CompiledCron {
  const hit = cache.get(expression);
  if (hit !== undefined) return hit;
  const parsed = parseCron(expression);
  // domAndDow false: OR when both day fields are restricted, AND when either is "*".
  const cron = new Cron(parsed.crontab, { utcOffset: 0, mode: "6-part", domAndDow: false });
  const compiled: CompiledCron = {
    parsed,
    nextWall(wall: number): number | null {
      const next = cron.nextRun(new Date(wall));
      return next === null ? null : next.getTime();
    },
  };
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(expression, compiled);
  return compiled;
}
