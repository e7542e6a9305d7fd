/**
 * @module core/k8s/containers
 * The container of an exported CronJob's pods. Every command is an argv array: no shell ever
 * sees a schedule name, a payload or a token.
 *
 * - `trigger`: curl POSTs to `{serverUrl}/api/v1/schedules/{name}/fire` with the token of the
 *   Secret (`--variable %KAIROS_TOKEN` reads it from the environment, `--expand-header` puts it
 *   in the Authorization header) and the body `{"jobName":"<name of this Job>"}` (the
 *   `job-name` label, through the downward API). A pod cannot read its scheduled time, but the
 *   CronJob controller names each Job `<cronjob>-<scheduled time in minutes since the epoch>`,
 *   so the server derives the slot from the Job name (and rounds down to the schedule's slot).
 * - `run`: the function's image runs `kairos exec FN --payload JSON`.
 */
import type { K8sFunction, K8sSettings } from "./types.js";

/** Where the trigger container's token comes from: this key of the Secret. */
export const TOKEN_KEY = "token";

/** The container of mode `trigger` for schedule `schedule`. */
export function triggerContainer(schedule: string, settings: K8sSettings): Record<string, unknown> {
  const url = `${settings.serverUrl}/api/v1/schedules/${encodeURIComponent(schedule)}/fire`;
  return {
    name: "trigger",
    image: settings.triggerImage,
    command: ["curl"],
    args: [
      "--silent",
      "--show-error",
      "--fail-with-body",
      "--max-time",
      "30",
      "--variable",
      "%KAIROS_TOKEN",
      "--variable",
      "%KAIROS_JOB_NAME",
      "--expand-header",
      "Authorization: Bearer {{KAIROS_TOKEN}}",
      "--header",
      "Content-Type: application/json",
      "--expand-data",
      '{"jobName":"{{KAIROS_JOB_NAME:json}}"}',
      url,
    ],
    env: [
      {
        name: "KAIROS_TOKEN",
        valueFrom: { secretKeyRef: { name: settings.secretName, key: TOKEN_KEY } },
      },
      {
        name: "KAIROS_JOB_NAME",
        valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } },
      },
    ],
    securityContext: { ...SECURITY_CONTEXT, runAsNonRoot: true },
  };
}

/** The container of mode `run`: the function's image runs it once with the payload. */
export function runContainer(fn: K8sFunction, payloadJson: string): Record<string, unknown> {
  return {
    name: "run",
    image: fn.image,
    command: ["kairos", "exec", fn.name, "--payload", payloadJson],
    env: [
      {
        name: "KAIROS_JOB_NAME",
        valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } },
      },
    ],
    securityContext: SECURITY_CONTEXT,
  };
}

const SECURITY_CONTEXT = { allowPrivilegeEscalation: false };
