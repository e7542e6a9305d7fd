/**
 * @module core/canonical-json
 * Canonical JSON: object keys sorted, no whitespace. Two payloads are "the same" exactly when
 * their canonical JSON strings are equal.
 */
import { ValidationError } from "./errors.js";

/**
 * Serialise `value` as canonical JSON (sorted keys). Throws ValidationError for values JSON
 * cannot represent faithfully (functions, symbols, bigint, cycles, non-finite numbers).
 */
export function canonicalJson(value: unknown, where = "payload"): string {
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new ValidationError(`${path} is ${v}, which JSON cannot hold`);
      return v;
    }
    if (v === undefined) return undefined;
    if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol") {
      throw new ValidationError(`${path} is a ${typeof v}, which JSON cannot hold`);
    }
    const obj = v;
    if (seen.has(obj)) throw new ValidationError(`${path} contains a cycle`);
    seen.add(obj);
    try {
      if (obj instanceof Date) {
        // toISOString throws a RangeError for an invalid Date; report it as bad input instead.
        if (Number.isNaN(obj.getTime())) {
          throw new ValidationError(`${path} is an invalid Date, which JSON cannot hold`);
        }
        return obj.toISOString();
      }
      if (Array.isArray(obj)) return obj.map((x, i) => walk(x, `${path}[${i}]`) ?? null);
      // A null prototype makes a "__proto__" key an ordinary own key (as JSON.parse does)
      // instead of a prototype assignment that would silently drop it.
      const out = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(obj).sort()) {
        const child = walk((obj as Record<string, unknown>)[key], `${path}.${key}`);
        if (child !== undefined) out[key] = child;
      }
      return out;
    } finally {
      seen.delete(obj);
    }
  };
  const normalised = walk(value, where);
  return normalised === undefined ? "null" : JSON.stringify(normalised);
}
