/**
 * @module backends/kubernetes/in-cluster
 * Whether this process runs in a Kubernetes cluster (no Kubernetes client is loaded here: the
 * CLI decides without paying for it). In a cluster: the pod's ServiceAccount (token and CA mounted by the kubelet). The
 * environment variable KAIROS_IN_CLUSTER overrides the detection: `1`/`true` says "in a
 * cluster" and then a set KUBECONFIG is used instead of the ServiceAccount (tests, and running
 * from a workstation on purpose); `0`/`false` says "not in a cluster".
 */
import { existsSync, readFileSync } from "node:fs";

/** Where the kubelet mounts a pod's ServiceAccount. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * The answer of `detectCluster`: in a cluster or not, and why (for error messages); in one, the
 * KUBECONFIG to use (null: the pod's ServiceAccount).
 */
export type ClusterDetection =
  | { readonly inCluster: false; readonly why: string }
  | { readonly inCluster: true; readonly why: string; readonly kubeconfig: string | null };

/** What `detectCluster` reads; the defaults read the real process and file system. */
export interface DetectionInputs {
  readonly env?: NodeJS.ProcessEnv;
  readonly exists?: (file: string) => boolean;
}

/** Detect a cluster (see the module header). */
export function detectCluster(inputs: DetectionInputs = {}): ClusterDetection {
  const env = inputs.env ?? process.env;
  const exists = inputs.exists ?? existsSync;
  const override = env.KAIROS_IN_CLUSTER?.trim().toLowerCase();
  if (override === "1" || override === "true") {
    const kubeconfig =
      env.KUBECONFIG === undefined || env.KUBECONFIG === "" ? null : env.KUBECONFIG;
    return { inCluster: true, why: "KAIROS_IN_CLUSTER is set", kubeconfig };
  }
  if (override === "0" || override === "false") {
    return { inCluster: false, why: "KAIROS_IN_CLUSTER=0" };
  }
  if (env.KUBERNETES_SERVICE_HOST === undefined || env.KUBERNETES_SERVICE_HOST === "") {
    return { inCluster: false, why: "KUBERNETES_SERVICE_HOST is not set" };
  }
  if (!exists(`${SERVICE_ACCOUNT_DIR}/token`)) {
    return { inCluster: false, why: `no ServiceAccount token at ${SERVICE_ACCOUNT_DIR}/token` };
  }
  return { inCluster: true, why: "running in a pod with a ServiceAccount", kubeconfig: null };
}

/** The namespace of this pod (its ServiceAccount's), or null outside a pod. */
export function podNamespace(): string | null {
  try {
    return readFileSync(`${SERVICE_ACCOUNT_DIR}/namespace`, "utf8").trim() || null;
  } catch {
    return null;
  }
}
