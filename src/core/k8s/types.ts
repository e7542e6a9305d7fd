/**
 * @module core/k8s/types
 * What the exporter needs to know, independent of how kairos.yaml is read: the settings of
 * the export, each function's mode, and the objects it produces (plain JSON-able data).
 */

/** How a function's CronJobs run it: call the Kairos server, or run it in the user's image. */
export type K8sMode = "trigger" | "run";

/** Where a CronJob came from: kairos.yaml, or created through the API. */
export type K8sSource = "yaml" | "api";

/** Settings shared by every object of one export. */
export interface K8sSettings {
  readonly namespace: string;
  /** Base URL of the Kairos server the trigger containers call, without a trailing slash. */
  readonly serverUrl: string;
  /** Image of the trigger container (needs curl >= 8.3 for --variable and --expand-*). */
  readonly triggerImage: string;
  /** Secret holding the API token (key `token`) the trigger containers send. */
  readonly secretName: string;
  /** ServiceAccount (and Role/RoleBinding name) of the runtime backend. */
  readonly serviceAccountName: string;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
}

/** One function as the exporter sees it. */
export interface K8sFunction {
  readonly name: string;
  readonly mode: K8sMode;
  /** The user's image, for mode `run` (which requires it). */
  readonly image?: string;
  /** `retries + 1` when the file says; else the runtime default. */
  readonly maxAttempts?: number;
  /** Attempt timeout in ms; 0 disables; absent: the runtime default (30 minutes). */
  readonly timeoutMs?: number;
}

/** A Kubernetes object as plain data (apiVersion, kind, metadata, ...). */
export type K8sObject = { readonly apiVersion: string; readonly kind: string } & Record<
  string,
  unknown
>;

/** The result of an export: objects in a stable order, and warnings to print. */
export interface K8sExport {
  readonly objects: readonly K8sObject[];
  readonly warnings: readonly string[];
}

/** Labels and annotation keys of exported objects (stable: the runtime backend reads them). */
export const K8S_KEYS = {
  managedBy: "app.kubernetes.io/managed-by",
  schedule: "kairos.dev/schedule",
  function: "kairos.dev/function",
  source: "kairos.dev/source",
  scheduleName: "kairos.dev/schedule-name",
  functionName: "kairos.dev/function-name",
  mode: "kairos.dev/mode",
  payloadHash: "kairos.dev/payload-hash",
  overlap: "kairos.dev/overlap",
  bufferLimit: "kairos.dev/buffer-limit",
  catchup: "kairos.dev/catchup",
  catchupWindow: "kairos.dev/catchup-window",
  jitter: "kairos.dev/jitter",
  pauseNote: "kairos.dev/pause-note",
  approximation: "kairos.dev/approximation",
  warning: "kairos.dev/warning",
} as const;
