/**
 * @module cli/k8s/export-input
 * From a loaded kairos.yaml and the command's flags to what core/k8s exports: defaults of
 * every setting (flags win over the file, the file over the defaults) and each function's mode.
 */
import type { ResolvedConfig } from "../../config/index.js";
import type { ExportInput } from "../../core/k8s/export.js";
import type { K8sFunction, K8sSettings } from "../../core/k8s/types.js";
import type { OpenBackendInput } from "../../backends/open-backend.js";

/** The settings used when neither the flags nor the file say. */
export const K8S_DEFAULTS: K8sSettings = {
  namespace: "default",
  serverUrl: "http://kairos:7070",
  triggerImage: "curlimages/curl:8.11.1",
  secretName: "kairos-trigger-token",
  serviceAccountName: "kairos",
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
};

/** The flags of `kairos k8s export` that override the file. */
export interface ExportFlags {
  readonly namespace?: string;
  readonly serverUrl?: string;
  readonly image?: string;
  readonly approximate?: boolean;
}

/**
 * What the schedule backend of `config` is opened with: `scheduler.backend` (default embedded)
 * and the same settings and functions `kairos k8s export` uses, so a synced CronJob is exactly
 * an exported one. The namespace stays null when the file does not name one (the pod's own).
 */
export function backendInput(config: ResolvedConfig): OpenBackendInput {
  const { input } = exportInput(config, {});
  const k = config.kubernetes ?? { functions: {} };
  return {
    backend: config.schedulerBackend ?? "embedded",
    settings: { ...input.settings, namespace: k.namespace ?? null },
    functions: input.functions,
    defaultMode: k.mode ?? "trigger",
    allowDynamic: k.allowDynamic === true,
  };
}

/** The export input of `config` with `flags` applied; also warns about what is not exported. */
export function exportInput(
  config: ResolvedConfig,
  flags: ExportFlags,
): { input: ExportInput; warnings: string[] } {
  const k = config.kubernetes ?? { functions: {} };
  const settings: K8sSettings = {
    namespace: flags.namespace ?? k.namespace ?? K8S_DEFAULTS.namespace,
    serverUrl: (flags.serverUrl ?? k.serverUrl ?? K8S_DEFAULTS.serverUrl).replace(/\/+$/, ""),
    triggerImage: flags.image ?? k.triggerImage ?? K8S_DEFAULTS.triggerImage,
    secretName: k.secretName ?? K8S_DEFAULTS.secretName,
    serviceAccountName: k.serviceAccountName ?? K8S_DEFAULTS.serviceAccountName,
    successfulJobsHistoryLimit:
      k.successfulJobsHistoryLimit ?? K8S_DEFAULTS.successfulJobsHistoryLimit,
    failedJobsHistoryLimit: k.failedJobsHistoryLimit ?? K8S_DEFAULTS.failedJobsHistoryLimit,
  };
  const functions: K8sFunction[] = config.functions.map((fn) => {
    const own = k.functions[fn.name] ?? {};
    return {
      name: fn.name,
      mode: own.mode ?? k.mode ?? "trigger",
      ...(own.image === undefined ? {} : { image: own.image }),
      ...(fn.options.maxAttempts === undefined ? {} : { maxAttempts: fn.options.maxAttempts }),
      ...(fn.options.timeoutMs === undefined ? {} : { timeoutMs: fn.options.timeoutMs }),
    };
  });
  const warnings = config.workflows
    .filter((w) => w.schedule !== undefined && w.schedule !== null)
    .map((w) => `workflow ${JSON.stringify(w.name)}: workflow schedules are not exported`);
  return {
    input: {
      schedules: config.schedules.map((s) => s.declaration),
      functions,
      settings,
      approximate: flags.approximate === true,
    },
    warnings,
  };
}
