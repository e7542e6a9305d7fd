/**
 * @module executors/limits
 * Size limits shared by the executors, and the markers that say text was cut. A job's result
 * and error are stored rows: an executor never lets a chatty server or process make them
 * unbounded.
 */

/** At most this many bytes of a response body or of a process's stdout/stderr are kept. */
export const OUTPUT_LIMIT_BYTES = 64 * 1024;

/** At most this many bytes of a body or stderr are quoted in an error message. */
export const MESSAGE_SNIPPET_BYTES = 1024;

/** `text` cut to its first `maxChars` characters, with a marker saying how much was cut. */
export function keepHead(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}…[truncated ${text.length - maxChars} more chars]`;
}

/** `text` cut to its last `maxChars` characters, with a marker saying how much was cut. */
export function keepTail(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `[truncated ${text.length - maxChars} earlier chars]…${text.slice(-maxChars)}`;
}

/** The longest delay a Node timer honours (a longer one fires after 1 ms). */
export const MAX_TIMER_MS = 2_147_483_647;

/** True when `timeoutMs` is a number of milliseconds above zero that a timer can honour. */
export function isValidTimeoutMs(timeoutMs: unknown): timeoutMs is number {
  return (
    typeof timeoutMs === "number" &&
    Number.isFinite(timeoutMs) &&
    timeoutMs > 0 &&
    timeoutMs <= MAX_TIMER_MS
  );
}
