/**
 * @module cli/dev/stop-signal
 * When `kairos dev` should stop: Ctrl-C (SIGINT), SIGTERM, or the `--for` duration.
 */

/** Resolve on the first SIGINT/SIGTERM, or after `forMs` when given. */
export function waitForStop(forMs: number | null): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      if (timer) clearTimeout(timer);
      resolve();
    };
    const timer = forMs === null ? null : setTimeout(done, forMs);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}
