/** A clock that moves only when the test says so. */
import type { Clock } from "../../src/index.js";

export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Move forward by `ms`. */
  advance(ms: number): void {
    this.current += ms;
  }
  /** Jump to an instant (ms since epoch or ISO string). */
  set(at: number | string): void {
    this.current = typeof at === "string" ? Date.parse(at) : at;
  }
}
