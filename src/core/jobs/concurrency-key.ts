/**
 * @module core/jobs/concurrency-key
 * Concurrency key templates of config-declared functions: `report-{region}` takes `region`
 * from the job's payload, `{a.b.0}` walks nested objects and arrays, and `{{` / `}}` write
 * literal braces. Pure.
 */
import { canonicalJson } from "../canonical-json.js";
import { ValidationError } from "../errors.js";

type Part =
  { readonly literal: string } | { readonly path: readonly string[]; readonly raw: string };

const SEGMENT = /^[^.{}\s]+$/;

/** Parse a template; throws ValidationError saying what is wrong with it. */
export function parseKeyTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let literal = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === "{" && template[i + 1] === "{") {
      literal += "{";
      i += 2;
    } else if (ch === "}" && template[i + 1] === "}") {
      literal += "}";
      i += 2;
    } else if (ch === "}") {
      throw new ValidationError(
        `concurrency key template ${JSON.stringify(template)} has an unmatched "}" at index ${i}; write "}}" for a literal "}"`,
      );
    } else if (ch === "{") {
      const end = template.indexOf("}", i + 1);
      if (end < 0) {
        throw new ValidationError(
          `concurrency key template ${JSON.stringify(template)} has an unterminated "{" at index ${i}; write "{{" for a literal "{"`,
        );
      }
      const raw = template.slice(i + 1, end);
      const path = raw.split(".");
      if (!path.every((s) => SEGMENT.test(s))) {
        throw new ValidationError(
          `concurrency key template ${JSON.stringify(template)}: {${raw}} is not a payload path; use dotted keys such as {region} or {customer.id}`,
        );
      }
      if (literal !== "") parts.push({ literal });
      literal = "";
      parts.push({ path, raw });
      i = end + 1;
    } else {
      literal += ch;
      i += 1;
    }
  }
  if (literal !== "") parts.push({ literal });
  return parts;
}

/**
 * The concurrency key of a job: the template with each `{path}` replaced by that value of the
 * payload (strings as they are, other values as canonical JSON). Throws ValidationError naming
 * the path when the payload has no value there.
 */
export function concurrencyKeyFromTemplate(template: string, payload: unknown): string {
  let out = "";
  for (const part of parseKeyTemplate(template)) {
    if ("literal" in part) {
      out += part.literal;
      continue;
    }
    const value = lookup(payload, part.path);
    if (value === undefined) {
      throw new ValidationError(
        `concurrency key template ${JSON.stringify(template)}: the payload has no value at "${part.raw}"`,
      );
    }
    out += typeof value === "string" ? value : canonicalJson(value, `payload.${part.raw}`);
  }
  return out;
}

function lookup(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const segment of path) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(segment)) return undefined;
      cur = cur[Number(segment)];
    } else if (cur !== null && typeof cur === "object" && Object.hasOwn(cur, segment)) {
      cur = (cur as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return cur;
}
