/**
 * @module config/k8s-schema
 * The `kubernetes` blocks of `kairos.yaml`, read by `kairos k8s export`: the file-wide one
 * (namespace, server URL, default mode, trigger image, Secret and ServiceAccount names, Job
 * history limits) and the per-function one (mode, image). Every key is optional.
 */
import { z } from "zod";

/** The modes of a function's CronJobs. */
export const K8S_MODES = ["trigger", "run"] as const;

const mode = z
  .enum(K8S_MODES)
  .describe(
    "trigger: a small container calls the Kairos server's fire endpoint; run: the function's image runs `kairos exec`",
  );

const dnsName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    error: "must be a DNS-1123 label: lowercase letters, digits and '-', alphanumeric at both ends",
  })
  .max(63);

const image = z.string().min(1).regex(/^\S+$/, { error: "must be an image reference, no spaces" });

/** The file-wide `kubernetes` block. */
export const KubernetesSchema = z
  .strictObject({
    namespace: dnsName.describe('Namespace of the exported objects (default "default")').optional(),
    serverUrl: z
      .string()
      .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), {
        error: 'expected an http(s) URL such as "http://kairos.kairos.svc:7070"',
      })
      .describe('URL of the Kairos server trigger containers call (default "http://kairos:7070")')
      .optional(),
    mode: mode.describe("Default mode of every function (default trigger)").optional(),
    triggerImage: image
      .describe('Image of the trigger container, curl >= 8.3 (default "curlimages/curl:8.11.1")')
      .optional(),
    secretName: dnsName
      .describe('Secret holding the API token, key "token" (default "kairos-trigger-token")')
      .optional(),
    serviceAccountName: dnsName
      .describe('ServiceAccount, Role and RoleBinding of the runtime backend (default "kairos")')
      .optional(),
    successfulJobsHistoryLimit: z
      .int()
      .min(0)
      .describe("Finished Jobs kept per CronJob (default 3)")
      .optional(),
    failedJobsHistoryLimit: z
      .int()
      .min(0)
      .describe("Failed Jobs kept per CronJob (default 1)")
      .optional(),
    allowDynamic: z
      .boolean()
      .describe(
        "With scheduler.backend kubernetes: let the API create, change and delete schedules (their CronJobs) (default false)",
      )
      .optional(),
  })
  .describe(
    "Kubernetes settings: `kairos k8s export` and the kubernetes scheduler backend (see docs/kubernetes.md)",
  );

/** The values of `scheduler.backend`. */
export const SCHEDULER_BACKEND_VALUES = ["embedded", "kubernetes", "auto"] as const;

/** The `scheduler` block: where schedules' timing lives. */
export const SchedulerSchema = z
  .strictObject({
    backend: z
      .enum(SCHEDULER_BACKEND_VALUES)
      .describe(
        "embedded: the leader's loop fires slots from the store (default); kubernetes: one CronJob per schedule, fired by the cluster (an error outside a cluster); auto: kubernetes in a cluster, embedded elsewhere",
      )
      .optional(),
  })
  .describe("Where schedules' timing lives (see docs/kubernetes.md)");

/** A function's `kubernetes` block. */
export const FunctionKubernetesSchema = z
  .strictObject({
    mode: mode
      .describe("Mode of this function's CronJobs (default: the file's, else trigger)")
      .optional(),
    image: image.describe("The function's image, for mode run (required then)").optional(),
  })
  .superRefine((value, ctx) => {
    if (value.mode === "run" && value.image === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "mode run needs the image that runs the function",
        input: value,
        params: { suggestion: 'add image: "registry.example.com/my-app:1.0"' },
      });
    }
  })
  .describe("How `kairos k8s export` runs this function (see docs/kubernetes.md)");

/** The resolved `kubernetes` settings of a file; absent keys stay absent (the export defaults them). */
export interface ResolvedKubernetes {
  readonly namespace?: string;
  readonly serverUrl?: string;
  readonly mode?: (typeof K8S_MODES)[number];
  readonly triggerImage?: string;
  readonly secretName?: string;
  readonly serviceAccountName?: string;
  readonly successfulJobsHistoryLimit?: number;
  readonly failedJobsHistoryLimit?: number;
  readonly allowDynamic?: boolean;
  /** Per function name, its own block when it has one. */
  readonly functions: Readonly<
    Record<string, { readonly mode?: (typeof K8S_MODES)[number]; readonly image?: string }>
  >;
}
