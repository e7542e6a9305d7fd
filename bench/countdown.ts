/**
 * @module bench/countdown
 * A latch the bench's scenarios wait on: done after `count` ticks (each job that finished),
 * failed by `fail()` or by its timeout, whichever comes first. Shared by Kairos's scenarios and
 * the peers', so every system is timed to the same end.
 */

/** Resolves after `count` calls of `tick()`; rejects via `fail()` or after `timeoutMs`. */
export function countdown(count: number, timeoutMs: number, what: string) {
  let seen = 0;
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const timer = setTimeout(
    () => reject(new Error(`${what}: only ${seen}/${count} after ${timeoutMs} ms`)),
    timeoutMs,
  );
  void done.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return {
    done,
    tick(): void {
      if (++seen === count) resolve();
    },
    fail(error: Error): void {
      reject(error);
    },
    get seen(): number {
      return seen;
    },
  };
}
