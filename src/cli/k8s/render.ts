/**
 * @module cli/k8s/render
 * Exported objects as text, byte-stable: map keys sorted (their order means nothing to
 * Kubernetes), arrays and documents in the exporter's order, no line folding.
 */
import { stringify } from "yaml";
import type { K8sObject } from "../../core/k8s/types.js";

const OPTIONS = {
  sortMapEntries: true,
  lineWidth: 0,
  minContentWidth: 0,
  aliasDuplicateObjects: false,
} as const;

/** One YAML document of `object`, ending in a newline. */
export function objectYaml(object: K8sObject): string {
  return stringify(object, OPTIONS);
}

/** All objects as one multi-document YAML stream. */
export function manifestsYaml(objects: readonly K8sObject[]): string {
  return objects.map((o) => `---\n${objectYaml(o)}`).join("");
}

/** One object as JSON with sorted keys, ending in a newline. */
export function manifestJson(object: K8sObject): string {
  return `${JSON.stringify(sortKeys(object), null, 2)}\n`;
}

/** All objects as a `v1` List in JSON with sorted keys (kubectl applies it). */
export function manifestsJson(objects: readonly K8sObject[]): string {
  return JSON.stringify(sortKeys({ apiVersion: "v1", kind: "List", items: objects }), null, 2);
}

/** The file of `object` under `--out DIR`: `<kind>-<name>.yaml` (or `.json`), unique per export. */
export function fileNameOf(object: K8sObject, ext: "yaml" | "json" = "yaml"): string {
  const name = (object.metadata as { name: string }).name;
  return `${object.kind.toLowerCase()}-${name}.${ext}`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
