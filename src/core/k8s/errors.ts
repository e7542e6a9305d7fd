/**
 * @module core/k8s/errors
 * The error of an export that Kubernetes cannot express.
 */
import { KairosError } from "../errors.js";

/** One schedule Kubernetes cannot express, and why. */
export interface Refusal {
  readonly schedule: string;
  readonly reason: string;
  /** True when `--approximate` would export it with a printed approximation. */
  readonly approximable: boolean;
}

/**
 * Code K8S_UNEXPORTABLE: one or more schedules cannot be exported as CronJobs. The message
 * names every one with its reason, and says when `--approximate` would export it.
 */
export class K8sExportError extends KairosError {
  readonly refusals: readonly Refusal[];
  constructor(refusals: readonly Refusal[]) {
    const lines = refusals.map(
      (r) =>
        `  schedule ${JSON.stringify(r.schedule)}: ${r.reason}` +
        (r.approximable ? " (--approximate exports an approximation)" : ""),
    );
    super(
      "K8S_UNEXPORTABLE",
      `${refusals.length} schedule(s) cannot be exported as Kubernetes CronJobs:\n${lines.join("\n")}`,
    );
    this.refusals = refusals;
  }
}
