/**
 * @module dashboard/throttle
 * Run a function at most once per period however often it is asked (live events can come in
 * bursts: one re-read per burst, the last ask always honoured).
 */

/** A throttled `fn`: the first call runs at once, later ones once the period is over. */
export function throttle(fn: () => void, ms: number): { (): void; cancel: () => void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    timer = undefined;
    last = Date.now();
    fn();
  };
  const call = () => {
    if (timer !== undefined) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
