/**
 * @module core/k8s/policies
 * Kairos overlap and catch-up policies as CronJob fields, with a warning when Kubernetes
 * behaves differently. Pure.
 */
import type { CatchupPolicy, OverlapPolicy } from "../schedules/types.js";

/** A CronJob `concurrencyPolicy`, and a warning when the overlap policy has no equivalent. */
export function concurrencyPolicy(overlap: OverlapPolicy): {
  readonly policy: "Forbid" | "Allow" | "Replace";
  readonly warning?: string;
} {
  switch (overlap) {
    case "skip":
      return { policy: "Forbid" };
    case "allow_all":
      return { policy: "Allow" };
    case "cancel_other":
    case "terminate_other":
      return { policy: "Replace" };
    case "buffer_one":
    case "buffer_all":
      return {
        policy: "Forbid",
        warning: `overlap ${overlap} has no Kubernetes equivalent: exported as Forbid (a slot that comes while a Job runs is skipped, not buffered)`,
      };
  }
}

/** The `startingDeadlineSeconds` of a catch-up policy (absent: none), and a warning if lossy. */
export function startingDeadline(
  catchup: CatchupPolicy,
  windowMs: number,
  windowDeclared: boolean,
): { readonly seconds?: number; readonly warning?: string } {
  const window = Math.max(1, Math.ceil(windowMs / 1000));
  switch (catchup) {
    case "skip":
      // Kairos counts a slot handled within 60 s as on time; older ones are missed.
      return { seconds: 60 };
    case "latest":
      return windowDeclared ? { seconds: window } : {};
    case "all":
      return {
        seconds: window,
        warning: `catchup all: the CronJob controller starts only the latest missed slot within ${window}s, not every one`,
      };
  }
}
