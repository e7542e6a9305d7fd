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

/**
 * Code K8S_DYNAMIC_DISABLED: with `scheduler.backend: kubernetes`, a schedule was to be created,
 * changed or deleted through the API while `kubernetes.allowDynamic` is off. Nothing changed.
 */
export class K8sDynamicDisabledError extends KairosError {
  constructor(action: "create" | "update" | "delete", schedule: string) {
    super(
      "K8S_DYNAMIC_DISABLED",
      `cannot ${action} schedule ${JSON.stringify(schedule)} through the API: with scheduler.backend ` +
        `kubernetes its CronJob would be ${action === "create" ? "created" : action === "update" ? "changed" : "deleted"} ` +
        `in the cluster, and kubernetes.allowDynamic is false. Declare the schedule in kairos.yaml ` +
        `and run kairos apply, or set kubernetes.allowDynamic: true in kairos.yaml`,
    );
  }
}

/**
 * Code K8S_FORBIDDEN: the Kubernetes API refused a call for want of an RBAC permission. Names
 * the verb and the resource to grant.
 */
export class K8sForbiddenError extends KairosError {
  readonly verb: string;
  readonly resource: string;
  constructor(verb: string, resource: string, namespace: string, detail: string) {
    super(
      "K8S_FORBIDDEN",
      `Kubernetes refused to ${verb} ${resource} in namespace ${JSON.stringify(namespace)} (403 Forbidden): ` +
        `the ServiceAccount Kairos runs as lacks the verb "${verb}" on "${resource}". Grant it with the ` +
        `Role that kairos k8s export writes (docs/kubernetes.md, RBAC). API said: ${detail}`,
    );
    this.verb = verb;
    this.resource = resource;
  }
}

/** Code K8S_API: a Kubernetes API call of the runtime backend failed; says which and why. */
export class K8sApiError extends KairosError {
  /** The HTTP status of the API's answer (0: no answer). */
  readonly status: number;
  /** The Status reason of the answer (`Conflict`, `Invalid`, ...), when it gave one. */
  readonly reason: string | null;
  constructor(what: string, status: number, reason: string | null, detail: string) {
    super(
      "K8S_API",
      `Kubernetes API: ${what} failed` +
        (status > 0 ? ` (${status}${reason ? ` ${reason}` : ""})` : " (no answer)") +
        `: ${detail}`,
    );
    this.status = status;
    this.reason = reason;
  }
}

/**
 * Code K8S_NOT_IN_CLUSTER: `scheduler.backend: kubernetes` in a process that is not running in
 * a Kubernetes cluster. Says how to tell.
 */
export class K8sNotInClusterError extends KairosError {
  constructor(why: string) {
    super(
      "K8S_NOT_IN_CLUSTER",
      `scheduler.backend is kubernetes, but this process is not running in a Kubernetes cluster ` +
        `(${why}). Run it in the cluster (its pod's ServiceAccount is used), set scheduler.backend ` +
        `to auto or embedded in kairos.yaml, or set KAIROS_IN_CLUSTER=1 to use the cluster and ` +
        `credentials of KUBECONFIG`,
    );
  }
}
