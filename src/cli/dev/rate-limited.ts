/**
 * @module cli/dev/rate-limited
 * Lines that may repeat fast (a loop failing on every pass) printed at most once per kind per
 * window; the next line printed of that kind says how many were suppressed meanwhile. Time is
 * the events' own `at`, so tests need no timers.
 */

/** Default window: at most one line per kind per 5 s. */
export const RATE_WINDOW_MS = 5_000;

/** Prints through `out`, at most one line per kind per `windowMs`. */
export class RateLimitedLines {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly out: (line: string) => void,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  /** Print `line` unless a line of `kind` was printed less than the window before `at`. */
  line(kind: string, at: number, line: string): void {
    const seen = this.last.get(kind);
    if (seen && at - seen.at < this.windowMs) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.last.set(kind, { at, suppressed: 0 });
    this.out(suppressed > 0 ? `${line} (+${suppressed} similar suppressed)` : line);
  }

  /** Lines of `kind` suppressed since the last one printed; resets the count. */
  takeSuppressed(kind: string): number {
    const seen = this.last.get(kind);
    if (!seen) return 0;
    const n = seen.suppressed;
    seen.suppressed = 0;
    return n;
  }
}
