/**
 * @module config/interpolate
 * `${VAR}` interpolation in the string scalars of a parsed YAML document, before validation:
 * each `${NAME}` is replaced by the variable's value, `$${` writes a literal `${`, and an unset
 * variable is an error at the place it is written (a set but empty variable is the empty
 * string). Keys are never interpolated; numbers and booleans are left as YAML typed them.
 */
import { isPair, isScalar, isSeq, parseDocument, visit, type Document } from "yaml";

/** A problem found while interpolating: the source offset and what was wrong. */
export interface InterpolationProblem {
  readonly offset: number;
  /** The path of the scalar, as keys and indexes. */
  readonly path: (string | number)[];
  readonly message: string;
  readonly suggestion?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Interpolate every string value scalar of `doc` in place; returns the problems found. */
export function interpolateDocument(
  doc: Document,
  source: string,
  env: Readonly<Record<string, string | undefined>>,
): InterpolationProblem[] {
  const problems: InterpolationProblem[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
      const start = node.range?.[0] ?? 0;
      const raw = source.slice(start, node.range?.[1] ?? start);
      const path = pathOf(ancestors, node);
      const result = interpolateString(node.value, env);
      for (const p of result.problems) {
        // Point at the `${` as written when it can be found verbatim in the source.
        const at = raw.indexOf(p.token);
        problems.push({
          offset: at >= 0 ? start + at : start,
          path,
          message: p.message,
          ...(p.suggestion === undefined ? {} : { suggestion: p.suggestion }),
        });
      }
      if (result.problems.length === 0) node.value = result.value;
    },
  });
  return problems;
}

/**
 * The names of the `${NAME}` variables the string values of a kairos.yaml text reference, each
 * once, sorted: exactly the variables interpolation would read (keys, comments, `$${` escapes
 * and malformed references are not references). A remote `kairos apply` sends only these.
 */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  visit(parseDocument(text), {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      for (const name of namesIn(node.value)) names.add(name);
    },
  });
  return [...names].sort();
}

/** The well-formed `${NAME}` references of one string, in order. */
function namesIn(text: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) i += 3;
    else if (!text.startsWith("${", i)) i += 1;
    else {
      const end = text.indexOf("}", i + 2);
      if (end < 0) break;
      const name = text.slice(i + 2, end);
      if (NAME.test(name)) names.push(name);
      i = end + 1;
    }
  }
  return names;
}

/** Interpolate one string; the problems carry the offending token so the caller can place it. */
export function interpolateString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; problems: { token: string; message: string; suggestion?: string }[] } {
  const problems: { token: string; message: string; suggestion?: string }[] = [];
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf("}", i + 2);
    if (end < 0) {
      problems.push({
        token: text.slice(i),
        message: `unterminated "\${" in ${JSON.stringify(text)}`,
        suggestion: 'close it with "}", or write "$${" for a literal "${"',
      });
      break;
    }
    const name = text.slice(i + 2, end);
    const token = text.slice(i, end + 1);
    if (!NAME.test(name)) {
      problems.push({
        token,
        message: `${JSON.stringify(token)} is not a variable reference`,
        suggestion: 'use ${NAME} with letters, digits and "_", or write "$${" for a literal "${"',
      });
    } else {
      const value = env[name];
      if (value === undefined) {
        problems.push({
          token,
          message: `environment variable ${name} is not set`,
          suggestion: `set ${name}, or write "$\${${name}}" for a literal "\${${name}}"`,
        });
      } else {
        out += value;
      }
    }
    i = end + 1;
  }
  return { value: out, problems };
}

function pathOf(ancestors: readonly unknown[], node: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  const chain = [...ancestors, node];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (isSeq(parent)) path.push(parent.items.indexOf(child));
    else if (isPair(parent)) path.push(isScalar(parent.key) ? String(parent.key.value) : "?");
    // A map's child is a Pair, whose key is pushed at the next step.
  }
  return path;
}
