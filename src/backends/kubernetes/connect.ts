/**
 * @module backends/kubernetes/connect
 * Builds the Kubernetes backend with its client: the only module that loads
 * `@kubernetes/client-node` (about a second of start-up), imported lazily by open-backend once a
 * cluster is to be used.
 */
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { K8sApiError } from "../../core/k8s/errors.js";
import type { K8sFunction, K8sSettings } from "../../core/k8s/types.js";
import type { ScheduleBackend } from "../../ports/schedule-backend.js";
import { cronJobApi } from "./cronjob-api.js";
import { KubernetesScheduleBackend } from "./kubernetes-backend.js";

/** What the backend is built with. */
export interface ConnectInput {
  readonly settings: K8sSettings;
  readonly functions: readonly K8sFunction[];
  readonly defaultMode: "trigger" | "run";
  readonly allowDynamic: boolean;
  /** KUBECONFIG (files separated like PATH); null: the pod's ServiceAccount. */
  readonly kubeconfig: string | null;
}

/** The Kubernetes backend on the cluster `clusterConfig(input.kubeconfig)` reaches. */
export function connectKubernetesBackend(input: ConnectInput): ScheduleBackend {
  return new KubernetesScheduleBackend({
    api: cronJobApi(clusterConfig(input.kubeconfig), input.settings.namespace),
    settings: input.settings,
    functions: input.functions,
    defaultMode: input.defaultMode,
    allowDynamic: input.allowDynamic,
  });
}

/**
 * The client configuration: the files of `kubeconfig` (merged like kubectl: the first one's
 * current context wins), or the pod's ServiceAccount when null.
 */
export function clusterConfig(kubeconfig: string | null): KubeConfig {
  const config = new KubeConfig();
  const files = (kubeconfig ?? "").split(path.delimiter).filter((f) => f !== "");
  if (files.length > 0) {
    files.forEach((file, i) => {
      const target = i === 0 ? config : new KubeConfig();
      try {
        target.loadFromFile(file);
      } catch (error) {
        throw new K8sApiError(
          "load the client configuration",
          0,
          null,
          `cannot read KUBECONFIG file ${file} (${messageOf(error)}): fix the path, or unset KAIROS_IN_CLUSTER to use the pod's ServiceAccount`,
        );
      }
      if (i > 0) config.mergeConfig(target, true);
    });
  } else {
    config.loadFromCluster();
  }
  return config;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
