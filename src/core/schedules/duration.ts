/**
 * @module core/schedules/duration
 * Durations as users write them in config and the API: a number of milliseconds, or a string
 * of whole-number parts in descending units, `d` `h` `m` `s` `ms` ("30s", "5m", "1h30m",
 * "2d", "250ms", "1d12h"). Anything else is a ValidationError, never a guess.
 */
import { ValidationError } from "../errors.js";

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: readonly Unit[] = ["d", "h", "m", "s", "ms"];
const PART = /(\d+)(ms|d|h|m|s)/y;

/**
 * The duration in whole milliseconds (a safe integer >= 0). A number is taken as ms and must
 * be a non-negative safe integer; a string is parts like "1h30m" with each unit at most once,
 * largest first. Throws ValidationError naming `where` otherwise.
 */
export function parseDuration(input: string | number, where = "duration"): number {
  if (typeof input === "number") {
    if (!Number.isSafeInteger(input) || input < 0) {
      throw new ValidationError(
        `${where} must be a whole number of milliseconds >= 0 or a string such as "30s", got ${String(input)}`,
      );
    }
    return input;
  }
  const fail = (): never => {
    throw new ValidationError(
      `${where} ${JSON.stringify(input)} is not a duration; use milliseconds (a number) or a string such as "250ms", "30s", "5m", "1h30m" or "2d"`,
    );
  };
  if (typeof input !== "string" || input === "") return fail();
  let total = 0;
  let lastUnit = -1;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (match === null || match.index !== start) return fail();
    const unit = match[2] as Unit;
    const rank = ORDER.indexOf(unit);
    if (rank <= lastUnit) return fail(); // repeated or out of order ("30m1h", "1h1h")
    lastUnit = rank;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  if (!Number.isSafeInteger(total)) return fail();
  return total;
}
