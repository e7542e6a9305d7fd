/**
 * @module core/workflows/params
 * A workflow's declared params and the params of a manual run. Each declared param is a name
 * with a JSON default (`params: { full: false, region: "eu" }`); the default's JSON type is the
 * param's type, and a `null` default accepts any JSON value. A manual run may give any subset;
 * unknown names and values of another JSON type are rejected with the param's path. Airflow's
 * `Param` also takes a JSON Schema; Kairos keeps to the type of the default (say so in docs).
 */
import { ValidationError } from "../errors.js";
import { didYouMean } from "../suggest.js";

/** Declared params: name -> JSON default. */
export type ParamsDeclaration = Readonly<Record<string, unknown>>;

/** The JSON types a param can have. */
export type JsonType = "string" | "number" | "boolean" | "null" | "array" | "object";

/** A problem with a run's params; `path` is like ["params", "full"]. */
export interface ParamIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The JSON type of `value`, or null when it is not JSON (undefined, a function, NaN, ...). */
export function jsonTypeOf(value: unknown): JsonType | null {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      return Number.isFinite(value) ? "number" : null;
    case "object":
      return Object.getPrototypeOf(value) === Object.prototype ||
        Object.getPrototypeOf(value) === null
        ? "object"
        : null;
    default:
      return null;
  }
}

/** Problems with the declared params themselves: a default that is not JSON. */
export function validateParamsDeclaration(declared: ParamsDeclaration): ParamIssue[] {
  const issues: ParamIssue[] = [];
  for (const [name, value] of Object.entries(declared)) {
    if (jsonTypeOf(value) === null) {
      issues.push({
        path: ["params", name],
        message: `param "${name}" has a default that is not JSON (${String(value)}); use a string, number, boolean, null, array or object`,
      });
    }
  }
  return issues;
}

/**
 * Problems with the params given to a manual run, checked against the declared ones: a name
 * that is not declared (with a "did you mean"), or a value whose JSON type differs from the
 * default's (a `null` default accepts any JSON value). Empty when the params are acceptable.
 */
export function validateRunParams(declared: ParamsDeclaration, given: unknown): ParamIssue[] {
  if (given === undefined) return [];
  if (jsonTypeOf(given) !== "object") {
    return [{ path: ["params"], message: "params must be an object of name: value" }];
  }
  const issues: ParamIssue[] = [];
  const names = Object.keys(declared);
  for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
    const path = ["params", name];
    if (!Object.hasOwn(declared, name)) {
      const hint = didYouMean(name, names);
      const known = names.length === 0 ? "it declares none" : `it declares ${names.join(", ")}`;
      issues.push({
        path,
        message: `unknown param "${name}": the workflow does not declare it (${known})${hint === null ? "" : `; ${hint}`}`,
      });
      continue;
    }
    const actual = jsonTypeOf(value);
    const expected = jsonTypeOf(declared[name]);
    if (actual === null) {
      issues.push({ path, message: `param "${name}" is not a JSON value (${String(value)})` });
    } else if (expected !== "null" && expected !== actual) {
      issues.push({
        path,
        message: `param "${name}" must be ${article(expected)}${expected ?? "JSON value"} like its default ${JSON.stringify(declared[name])}, got ${article(actual)}${actual} ${JSON.stringify(value)}`,
      });
    }
  }
  return issues;
}

/** The run's params: every declared default, overridden by the given values (assumed valid). */
export function mergeParams(
  declared: ParamsDeclaration,
  given: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  return { ...declared, ...(given ?? {}) };
}

/**
 * The run's params (`mergeParams`) after checking the given ones (`validateRunParams`);
 * throws ValidationError listing every problem, so nothing is created with bad params.
 */
export function resolveRunParams(
  workflow: string,
  declared: ParamsDeclaration,
  given: unknown,
): Record<string, unknown> {
  const issues = validateRunParams(declared, given);
  if (issues.length > 0) {
    throw new ValidationError(
      `workflow "${workflow}" run params are invalid:\n` +
        issues.map((i) => `  - ${i.message}`).join("\n"),
    );
  }
  return mergeParams(declared, given as Readonly<Record<string, unknown>> | undefined);
}

function article(type: JsonType | null): string {
  return type === "array" || type === "object" ? "an " : "a ";
}
