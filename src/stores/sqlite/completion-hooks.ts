/**
 * @module stores/sqlite/completion-hooks
 * The completion hooks of one SQLite database: one hook per origin kind, registered by the
 * store module that owns the kind (the schedule store registers `schedule` when it is opened;
 * `api` has no owner and cannot have a hook). See ports/job-store, "Completion hooks".
 *
 * Contract of a hook on SQLite: a synchronous JS function, called by the job store's
 * statements that move a job to a terminal state (`finalize`, `cancel` of a pending job) right
 * after the job's row was written, inside that statement's `BEGIN IMMEDIATE` transaction and
 * on the same connection — so it runs under the write lock and sees the job's new row. It
 * writes with statements it prepared once, on that connection, when it was registered. It is
 * called once per terminal transition, with the job's id, terminal state, origin and finish
 * instant; never for a retry, a release, a cancel request on a running job, or a finalization
 * that did not apply. If it throws, the whole transaction (the finalize batch, the cancel) is
 * rolled back and the call throws. A kind without a registered hook finishes silently.
 */
import type { JobOrigin } from "../../core/jobs/origin.js";
import { CompletionRegistry } from "../completion-registry.js";

/** A job that has just reached a terminal state, as a hook is told of it. */
export interface FinishedJob {
  readonly id: string;
  readonly state: "succeeded" | "failed" | "cancelled" | "timed_out";
  readonly origin: JobOrigin;
  /** When it finished (the caller's `now`), ms since epoch. */
  readonly finishedAt: number;
}

/** What the owner of a kind does when one of its jobs finishes (see the module header). */
export type CompletionHook = (job: FinishedJob) => void;

/** The registry of one connection's hooks, shared by its job store and its owners. */
export class CompletionHooks extends CompletionRegistry<CompletionHook> {
  /** Tell the owner of `job.origin.kind`, if any (inside the caller's transaction). */
  run(job: FinishedJob): void {
    if (job.origin.kind === "api") return;
    this.get(job.origin.kind)?.(job);
  }
}
