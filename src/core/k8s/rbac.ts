/**
 * @module core/k8s/rbac
 * The objects around the CronJobs: the Secret template holding the trigger containers' API
 * token, and the ServiceAccount, Role and RoleBinding the Kubernetes runtime backend runs as
 * (manage CronJobs, read the Jobs they create; nothing else). Pure.
 */
import { TOKEN_KEY } from "./containers.js";
import { K8S_KEYS, type K8sObject, type K8sSettings } from "./types.js";

/** The RBAC rules of the runtime backend, the source of the Role and of the docs' table. */
export const BACKEND_RULES = [
  {
    apiGroups: ["batch"],
    resources: ["cronjobs"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list"] },
] as const;

/** Placeholder value of the Secret template: replace it with a Kairos API token. */
export const TOKEN_PLACEHOLDER = "REPLACE-WITH-A-KAIROS-API-TOKEN";

/** Secret, ServiceAccount, Role, RoleBinding, in that order. */
export function supportObjects(settings: K8sSettings): K8sObject[] {
  const metadata = (name: string): Record<string, unknown> => ({
    name,
    namespace: settings.namespace,
    labels: { [K8S_KEYS.managedBy]: "kairos" },
  });
  const sa = settings.serviceAccountName;
  return [
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: metadata(settings.secretName),
      type: "Opaque",
      stringData: { [TOKEN_KEY]: TOKEN_PLACEHOLDER },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: metadata(sa) },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: metadata(sa),
      rules: BACKEND_RULES.map((r) => ({
        apiGroups: [...r.apiGroups],
        resources: [...r.resources],
        verbs: [...r.verbs],
      })),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: metadata(sa),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: sa },
      subjects: [{ kind: "ServiceAccount", name: sa, namespace: settings.namespace }],
    },
  ];
}
