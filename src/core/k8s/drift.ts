/**
 * @module core/k8s/drift
 * Whether a CronJob in the cluster still says what Kairos would write. Only what Kairos writes
 * is compared: the API server adds defaults (dnsPolicy, terminationMessagePath, ...) and other
 * tools add labels and annotations, and none of that is drift. Pure.
 */
import { K8S_KEYS, type K8sObject } from "./types.js";

/**
 * The paths (`spec.schedule`, `metadata.labels.kairos.dev/source`, ...) where `actual` differs
 * from `desired`, comparing every field `desired` sets in `spec`, `metadata.labels` and
 * `metadata.annotations` and nothing else. Empty: no drift. Keys of `actual` that `desired`
 * does not set are ignored, except the `kairos.dev/` annotations, whose presence is ours to
 * decide (a stale approximation note is drift).
 */
export function driftPaths(desired: K8sObject, actual: K8sObject): string[] {
  const d = plain(desired);
  const a = plain(actual);
  const dm = (d.metadata ?? {}) as Record<string, unknown>;
  const am = (a.metadata ?? {}) as Record<string, unknown>;
  const paths = [
    ...compare(d.spec, a.spec, "spec"),
    ...compare(dm.labels ?? {}, am.labels ?? {}, "metadata.labels"),
    ...compare(dm.annotations ?? {}, am.annotations ?? {}, "metadata.annotations"),
  ];
  const ours = (dm.annotations ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(am.annotations ?? {})) {
    if (key.startsWith("kairos.dev/") && !(key in ours)) paths.push(`metadata.annotations.${key}`);
  }
  return paths;
}

/** The source label of a CronJob Kairos manages (`yaml` or `api`), or null when it has none. */
export function sourceOf(object: K8sObject): "yaml" | "api" | null {
  const labels = ((object.metadata ?? {}) as { labels?: Record<string, string> }).labels ?? {};
  const source = labels[K8S_KEYS.source];
  return source === "yaml" || source === "api" ? source : null;
}

/** The Kairos schedule name a CronJob stands for (its annotation), or null. */
export function scheduleNameOf(object: K8sObject): string | null {
  const annotations =
    ((object.metadata ?? {}) as { annotations?: Record<string, string> }).annotations ?? {};
  return annotations[K8S_KEYS.scheduleName] ?? null;
}

function compare(desired: unknown, actual: unknown, path: string): string[] {
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) return [path];
    return desired.flatMap((d, i) => compare(d, actual[i], `${path}[${i}]`));
  }
  if (desired !== null && typeof desired === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [path];
    const a = actual as Record<string, unknown>;
    return Object.entries(desired as Record<string, unknown>).flatMap(([key, value]) =>
      compare(value, a[key], `${path}.${key}`),
    );
  }
  return desired === actual ? [] : [path];
}

/** The object as JSON would carry it: no undefined keys, dates as strings. */
function plain(object: K8sObject): Record<string, unknown> {
  return JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
}
