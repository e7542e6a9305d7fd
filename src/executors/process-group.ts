/**
 * @module executors/process-group
 * Signals to a whole process group. A command executor spawns its child `detached`, so the
 * child leads a new session and process group whose id is its pid; every descendant that does
 * not start its own session stays in that group, so one `kill(-pgid)` reaches the whole tree,
 * grandchildren included, even after the leader has exited.
 */

/**
 * Send `signal` (0 only probes) to every process in the group `pgid`. Returns false when the
 * group has no process left, true otherwise (EPERM counts as "still there").
 *
 * Race: a pgid can only be reused once every member is gone, so a stale signal could reach a
 * new group only if one is created with the same id between the last probe and the signal;
 * callers signal within seconds of a probe that found the group alive.
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  // kill(-0) would signal our own group: never let a missing pid get that far.
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
