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

/**
 * Call `listener` on the next SIGINT/SIGTERM (the second Ctrl-C, while draining) instead of
 * letting Node kill the process at once. Returns a function that removes the listener.
 */
export function onNextStopSignal(listener: () => void): () => void {
  const once = () => {
    off();
    listener();
  };
  const off = () => {
    process.off("SIGINT", once);
    process.off("SIGTERM", once);
  };
  process.once("SIGINT", once);
  process.once("SIGTERM", once);
  return off;
}

/** The line `kairos dev` prints after a forced stop. */
export function forcedStopLine(report: {
  readonly aborted: number;
  readonly handedBack: number;
  readonly stillRunning: number;
}): string {
  const { aborted, handedBack, stillRunning } = report;
  const killed = `killed ${aborted} running ${aborted === 1 ? "job's" : "jobs'"} processes`;
  const back = `handed ${handedBack} ${handedBack === 1 ? "job" : "jobs"} back to the queue`;
  const late =
    stillRunning > 0
      ? `; ${stillRunning} handlers had not returned (they ignore their signal)`
      : "";
  return `kairos dev: second Ctrl-C: ${killed}, ${back}${late}`;
}
