/**
 * @module core/k8s/names
 * Kubernetes names for Kairos schedules and functions. A name is kept as written when it is
 * already a clean DNS-1123 label (lowercase letters, digits, single dashes, alphanumeric at both
 * ends) that fits; otherwise it is lowercased, every other character becomes a dash, it is cut
 * to fit, and `--` plus 10 hex digits of a hash of the original is appended. A clean name never
 * holds `--`, so a kept name and a hashed name never collide, and two hashed names collide only
 * if their 40-bit hashes do.
 */
import { fnv1a64 } from "./hash.js";

/**
 * The longest CronJob name: the CronJob controller appends 11 characters ("-" and the slot in
 * minutes) to name its Jobs, and a Job name must fit a 63-character label.
 */
export const MAX_CRONJOB_NAME = 52;

/** The longest label value Kubernetes accepts. */
export const MAX_LABEL_VALUE = 63;

/** A DNS-1123 label: what every name this module returns matches. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const CLEAN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const HASH_DIGITS = 10;

/**
 * The Kubernetes name of `name`, at most `max` characters (at least 16), matching
 * DNS1123_LABEL. Deterministic; distinct inputs give distinct outputs (up to a 40-bit hash).
 */
export function k8sName(name: string, max: number = MAX_CRONJOB_NAME): string {
  if (max < 16) throw new RangeError(`k8sName: max must be at least 16, got ${max}`);
  if (CLEAN.test(name) && name.length <= max) return name;
  const hash = fnv1a64(name).slice(0, HASH_DIGITS);
  const room = max - 2 - HASH_DIGITS;
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, room)
    .replace(/^-+|-+$/g, "");
  return `${base === "" ? "k" : base}--${hash}`;
}

/** The value of a `kairos.dev/...` label naming `name`: k8sName within 63 characters. */
export function labelValue(name: string): string {
  return k8sName(name, MAX_LABEL_VALUE);
}
