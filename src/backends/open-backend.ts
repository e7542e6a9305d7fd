/**
 * @module backends/open-backend
 * The schedule backend `scheduler.backend` asks for: none for `embedded` (the leader's loop
 * fires from the store), the Kubernetes backend for `kubernetes` (a startup error naming why
 * when this process is not in a cluster), and for `auto` Kubernetes in a cluster, embedded
 * elsewhere. The only module the CLI imports from backends/.
 */
import { K8sNotInClusterError } from "../core/k8s/errors.js";
import type { K8sFunction, K8sSettings } from "../core/k8s/types.js";
import type { ScheduleBackend } from "../ports/schedule-backend.js";
import { detectCluster, podNamespace, type DetectionInputs } from "./kubernetes/in-cluster.js";

/** A value of `scheduler.backend` (config/k8s-schema lists them for the file). */
export type SchedulerBackendSetting = "embedded" | "kubernetes" | "auto";

/** What the Kubernetes backend is opened with (from kairos.yaml). */
export interface OpenBackendInput {
  readonly backend: SchedulerBackendSetting;
  /** The export settings; `namespace` null: the pod's own namespace, else "default". */
  readonly settings: Omit<K8sSettings, "namespace"> & { readonly namespace: string | null };
  readonly functions: readonly K8sFunction[];
  readonly defaultMode: "trigger" | "run";
  readonly allowDynamic: boolean;
  /** The environment and file checks (tests); default the real process's. */
  readonly detection?: DetectionInputs;
}

/**
 * The backend of `input.backend` (null: embedded); see the module header. The Kubernetes client
 * is loaded only when a cluster is to be used.
 */
export async function openScheduleBackend(
  input: OpenBackendInput,
): Promise<ScheduleBackend | null> {
  if (input.backend === "embedded") return null;
  const detected = detectCluster(input.detection);
  if (!detected.inCluster) {
    if (input.backend === "auto") return null;
    throw new K8sNotInClusterError(detected.why);
  }
  const namespace = input.settings.namespace ?? podNamespace() ?? "default";
  const { connectKubernetesBackend } = await import("./kubernetes/connect.js");
  return connectKubernetesBackend({
    settings: { ...input.settings, namespace },
    functions: input.functions,
    defaultMode: input.defaultMode,
    allowDynamic: input.allowDynamic,
    kubeconfig: detected.kubeconfig,
  });
}
