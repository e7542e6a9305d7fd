/**
 * @module cli/dev/waiting-jobs
 * What `kairos dev` says about jobs that cannot start: when a job of a function no live worker
 * defines is queued or fired here, or found queued at startup: one line per function and session.
 */
import type { Kairos } from "../../runtime/kairos.js";
import type { Io } from "../output.js";

/** Jobs looked at when `kairos dev` starts. */
const STARTUP_SCAN = 1_000;

/**
 * Watch the jobs queued in this process; returns `scan`, which reports the jobs already
 * waiting in the store (call it once the workers have started).
 */
export function watchWaitingJobs(kairos: Kairos, io: Io): { scan(): Promise<void> } {
  // Functions reported or being checked: one line per function and session.
  const seen = new Set<string>();
  const check = async (fn: string, jobId: string): Promise<void> => {
    if (seen.has(fn)) return;
    seen.add(fn);
    const reason = await kairos.functions.waitingReason(fn).catch(() => null);
    if (reason === null) {
      seen.delete(fn);
      return;
    }
    io.out(`${new Date().toISOString().slice(11, 23)} waiting   ${fn} job ${jobId}: ${reason}`);
  };
  kairos.on("job:queued", (e) => void check(e.fn, e.jobId));
  kairos.on("schedule:fired", (e) => {
    void kairos.jobs
      .get(e.jobId)
      .then((job) => (job ? check(job.fn, job.id) : undefined))
      .catch(() => undefined);
  });
  return {
    scan: async () => {
      const queued = await kairos.jobs.list({ state: ["queued", "retrying"], limit: STARTUP_SCAN });
      const byFn = new Map(queued.map((j) => [j.fn, j.id]));
      for (const [fn, jobId] of byFn) await check(fn, jobId);
    },
  };
}
