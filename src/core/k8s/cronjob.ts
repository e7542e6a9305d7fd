/**
 * @module core/k8s/cronjob
 * One Kairos schedule as a `batch/v1` CronJob. Pure: the same inputs give the same object.
 * The timing must already be translated (core/k8s/timing); policies that Kubernetes applies
 * differently are exported with a warning, returned and written in an annotation.
 */
import { DEFAULT_TIMEOUT_MS } from "../jobs/policy.js";
import { DEFAULT_MAX_ATTEMPTS } from "../retry/backoff.js";
import type { ScheduleDeclaration } from "../schedules/types.js";
import { runContainer, triggerContainer } from "./containers.js";
import { fnv1a64 } from "./hash.js";
import { k8sName, labelValue } from "./names.js";
import { concurrencyPolicy, startingDeadline } from "./policies.js";
import type { CronJobTiming } from "./timing.js";
import {
  K8S_KEYS,
  type K8sFunction,
  type K8sObject,
  type K8sSettings,
  type K8sSource,
} from "./types.js";

/** The catch-up window a schedule gets when none is given (kairos.yaml and the API). */
export const DEFAULT_CATCHUP_WINDOW_MS = 3_600_000;

/** What a CronJob is built from. */
export interface CronJobInput {
  readonly schedule: ScheduleDeclaration;
  readonly fn: K8sFunction;
  readonly timing: CronJobTiming;
  readonly source: K8sSource;
  readonly settings: K8sSettings;
}

/** The CronJob of one schedule and the warnings to print about it (prefixed by its name). */
export function buildCronJob(input: CronJobInput): { object: K8sObject; warnings: string[] } {
  const { schedule: s, fn, timing, settings } = input;
  const overlap = concurrencyPolicy(s.overlap);
  // A window other than the default was chosen on purpose (else `latest` gets no deadline);
  // decided from the value alone, so kairos.yaml and the stored schedule give the same object.
  const windowChosen = s.catchupWindowMs !== DEFAULT_CATCHUP_WINDOW_MS;
  const deadline = startingDeadline(s.catchup, s.catchupWindowMs, windowChosen);
  const warnings = [overlap.warning, deadline.warning].filter((w) => w !== undefined);
  const labels = {
    [K8S_KEYS.managedBy]: "kairos",
    [K8S_KEYS.schedule]: labelValue(s.name),
    [K8S_KEYS.function]: labelValue(s.fn),
    [K8S_KEYS.source]: input.source,
  };
  const annotations: Record<string, string> = {
    [K8S_KEYS.scheduleName]: s.name,
    [K8S_KEYS.functionName]: s.fn,
    [K8S_KEYS.mode]: fn.mode,
    [K8S_KEYS.payloadHash]: `fnv1a64:${fnv1a64(s.payloadJson)}`,
    [K8S_KEYS.overlap]: s.overlap,
    [K8S_KEYS.catchup]: s.catchup,
    [K8S_KEYS.catchupWindow]: `${Math.ceil(s.catchupWindowMs / 1000)}s`,
  };
  if (s.overlap === "buffer_all") annotations[K8S_KEYS.bufferLimit] = String(s.bufferLimit);
  if (s.pauseNote !== null) annotations[K8S_KEYS.pauseNote] = s.pauseNote;
  if (timing.approximation !== undefined) {
    annotations[K8S_KEYS.approximation] = timing.approximation;
  }
  if (warnings.length > 0) annotations[K8S_KEYS.warning] = warnings.join("; ");

  const attempts = fn.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const timeoutMs = fn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const container =
    fn.mode === "run" ? runContainer(fn, s.payloadJson) : triggerContainer(s.name, settings);
  const object: K8sObject = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: k8sName(s.name), namespace: settings.namespace, labels, annotations },
    spec: {
      schedule: timing.schedule,
      timeZone: timing.timeZone,
      concurrencyPolicy: overlap.policy,
      suspend: !s.enabled,
      ...(deadline.seconds === undefined ? {} : { startingDeadlineSeconds: deadline.seconds }),
      successfulJobsHistoryLimit: settings.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: settings.failedJobsHistoryLimit,
      jobTemplate: {
        metadata: { labels },
        spec: {
          backoffLimit: attempts - 1,
          // Kairos times each attempt; a Job's deadline covers all of them.
          ...(timeoutMs > 0
            ? { activeDeadlineSeconds: Math.ceil(timeoutMs / 1000) * attempts }
            : {}),
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              containers: [container],
            },
          },
        },
      },
    },
  };
  const all = timing.approximation === undefined ? warnings : [timing.approximation, ...warnings];
  return { object, warnings: all.map((w) => `schedule ${JSON.stringify(s.name)}: ${w}`) };
}
