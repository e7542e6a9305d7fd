/**
 * @module bench/child-ipc
 * How a bench child process hands its outcome to the parent: over the IPC channel when it was
 * forked with one (resolves once sent), else as one JSON line on stderr (run by hand).
 */

/** Send `outcome` to the parent; resolves when it has been handed over. */
export function sendToParent(outcome: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      process.stderr.write(`${JSON.stringify(outcome)}\n`);
      resolve();
      return;
    }
    process.send(outcome, undefined, {}, () => resolve());
  });
}
