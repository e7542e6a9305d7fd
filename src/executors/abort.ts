/**
 * @module executors/abort
 * What an executor throws once the job's own signal has aborted: the signal's reason as given
 * (the runtime's JobCancelledError, JobTimeoutError, ShuttingDownError, ...), so the stored
 * error says why the attempt ended instead of describing the I/O that was cut short.
 */

/** The reason `signal` aborted, as an Error (wrapped only when the reason is not one). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new Error(`job was aborted: ${String(reason)}`, { cause: reason });
}
