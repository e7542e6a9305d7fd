/**
 * @module core/payload
 * A job's payload as the store keeps it: canonical JSON (sorted keys, no whitespace), built in
 * one walk that also refuses every value JSON would change silently, and then checked against
 * the size limit. The JSON returned is the one the store writes: nothing is serialised twice.
 *
 * Accepted: null, booleans, finite numbers, strings, arrays, and plain objects (prototype
 * `Object.prototype` or null) of these. A key whose value is `undefined` is left out, as JSON
 * does. Refused with a ValidationError naming the path: `undefined` at the top level or in an
 * array (JSON would turn it into null), NaN and ±Infinity (null), bigint, functions, symbols,
 * cycles, and objects that are not plain: Date (JSON would turn it into a string; pass an ISO
 * string), Map and Set (stored as `{}`), and class instances (their prototype and methods are
 * lost). Refused with PayloadTooLargeError: JSON longer than the limit, in UTF-8 bytes.
 */
import { PayloadTooLargeError, ValidationError } from "./errors.js";

/** The default limit of one payload's JSON: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

/** Where a payload is checked, for the error messages. */
export interface PayloadCheck {
  /** The payload's path in messages, e.g. `payload` or `payloads[3]`. */
  readonly path: string;
  /** Largest JSON accepted, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** What the limit applies to and how to raise it, for PayloadTooLargeError's message. */
  readonly context: string;
}

/**
 * The canonical JSON of `value`; throws ValidationError for a value JSON cannot hold exactly,
 * PayloadTooLargeError when the JSON exceeds `check.maxBytes`.
 */
export function payloadJson(value: unknown, check: PayloadCheck): string {
  if (value === undefined) {
    throw new ValidationError(`${check.path}: undefined is not a JSON value; pass null or {}`);
  }
  const json = JSON.stringify(plain(value, check.path, new Set()));
  const bytes = utf8Bytes(json, check.maxBytes);
  if (bytes > check.maxBytes) {
    throw new PayloadTooLargeError(check.path, utf8Length(json), check.maxBytes, check.context);
  }
  return json;
}

/** `value` as plain data with sorted keys (the walk; see the module header). */
function plain(v: unknown, path: string, seen: Set<object>): unknown {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      if (Number.isFinite(v)) return v;
      throw new ValidationError(`${path}: ${v} is not a JSON value (JSON would store null)`);
    case "undefined":
      return undefined;
    case "bigint":
      throw new ValidationError(`${path}: bigint is not a JSON value; pass a string or a number`);
    case "function":
    case "symbol":
      throw new ValidationError(`${path}: a ${typeof v} is not a JSON value`);
    default:
      break;
  }
  if (v === null) return null;
  const obj = v as object;
  if (seen.has(obj)) throw new ValidationError(`${path}: contains a cycle, which JSON cannot hold`);
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return plainArray(obj, path, seen);
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto !== Object.prototype && proto !== null) throw notPlain(obj, path);
    // A null prototype makes a "__proto__" key an ordinary own key, as JSON.parse does.
    const out = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(obj).sort()) {
      const child = plain((obj as Record<string, unknown>)[key], `${path}.${key}`, seen);
      if (child !== undefined) out[key] = child;
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

function plainArray(arr: readonly unknown[], path: string, seen: Set<object>): unknown[] {
  const out = new Array<unknown>(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const item = arr[i];
    if (item === undefined) {
      throw new ValidationError(
        `${path}[${i}]: undefined is not a JSON value (JSON would store null); pass null`,
      );
    }
    out[i] = plain(item, `${path}[${i}]`, seen);
  }
  return out;
}

function notPlain(obj: object, path: string): ValidationError {
  if (obj instanceof Date) {
    return new ValidationError(
      `${path}: Date is not a JSON value; pass an ISO string (date.toISOString())`,
    );
  }
  if (obj instanceof Map) {
    return new ValidationError(
      `${path}: Map is not a JSON value (JSON would store {}); pass an object (Object.fromEntries(map))`,
    );
  }
  if (obj instanceof Set) {
    return new ValidationError(
      `${path}: Set is not a JSON value (JSON would store {}); pass an array ([...set])`,
    );
  }
  const name = (obj.constructor as { name?: unknown } | undefined)?.name;
  const what = typeof name === "string" && name.length > 0 ? `a ${name} instance` : "this object";
  return new ValidationError(
    `${path}: ${what} is not plain JSON data (its prototype would be lost); pass a plain object`,
  );
}

/**
 * The UTF-8 length of `s` when it may exceed `limit`, else a cheap bound at most `limit`:
 * a UTF-16 unit is 1 to 3 UTF-8 bytes, so most strings need no count.
 */
function utf8Bytes(s: string, limit: number): number {
  if (s.length * 3 <= limit) return s.length;
  if (s.length > limit) return s.length;
  return utf8Length(s);
}

/** The exact UTF-8 length of `s`. */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      bytes += 4; // a surrogate pair: one code point of 4 bytes
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Validate a `maxPayloadBytes` option: an integer >= 1. Throws ValidationError naming `where`. */
export function checkMaxPayloadBytes(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(
      `${where}: maxPayloadBytes must be an integer number of bytes >= 1, got ${String(value)}`,
    );
  }
  return value;
}
