/**
 * @module ports/clock
 * Time as a port. The runtime reads time only through a Clock so tests can drive it.
 * For the SQLite store the process clock is authoritative (one machine); every store call
 * receives `now` from the caller rather than reading a clock itself.
 */

/** A source of the current time in ms since the epoch. */
export interface Clock {
  /** The current instant, ms since the Unix epoch. */
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
