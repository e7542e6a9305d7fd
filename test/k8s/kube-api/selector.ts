/**
 * Label and field selectors as the apiserver parses them (k8s.io/apimachinery/pkg/labels and
 * pkg/fields): a parse error throws a 400 BadRequest Status, a parsed selector is a predicate.
 */
import { labelValueErrors, qualifiedNameErrors } from "./names.js";
import { badRequest } from "./status.js";

/** A parsed selector: true when the object's labels (or fields) match every requirement. */
export type Matcher = (values: Readonly<Record<string, string>>) => boolean;

type Token =
  | { kind: "id"; text: string }
  | { kind: "op"; text: "!" | "=" | "==" | "!=" | "(" | ")" | "," | ">" | "<" }
  | { kind: "in" | "notin" }
  | { kind: "end" };

const SPECIAL = new Set(["!", "=", "(", ")", ",", ">", "<"]);

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] ?? "";
    if (/\s/.test(c)) {
      i += 1;
    } else if (SPECIAL.has(c)) {
      const two = input.slice(i, i + 2);
      if (two === "==" || two === "!=") {
        tokens.push({ kind: "op", text: two });
        i += 2;
      } else {
        tokens.push({ kind: "op", text: c as "!" });
        i += 1;
      }
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j] ?? "") && !/\s/.test(input[j] ?? "")) j += 1;
      const text = input.slice(i, j);
      tokens.push(text === "in" || text === "notin" ? { kind: text } : { kind: "id", text });
      i = j;
    }
  }
  tokens.push({ kind: "end" });
  return tokens;
}

const show = (t: Token): string =>
  t.kind === "id" || t.kind === "op" ? t.text : t.kind === "end" ? "" : t.kind;

function parseError(found: Token, expected: string): never {
  throw badRequest(`unable to parse requirement: found '${show(found)}', expected: ${expected}`);
}

function checkKey(key: string): void {
  const errors = qualifiedNameErrors(key);
  if (errors.length > 0) {
    throw badRequest(
      `unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: ${errors.join("; ")}`,
    );
  }
}

function checkValue(value: string, index: number): void {
  const errors = labelValueErrors(value);
  if (errors.length > 0) {
    throw badRequest(
      `unable to parse requirement: values[${index}]: Invalid value: ${JSON.stringify(value)}: ${errors.join("; ")}`,
    );
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos] ?? { kind: "end" };
  }
  private next(): Token {
    const t = this.peek();
    this.pos += 1;
    return t;
  }
  private atBoundary(): boolean {
    const t = this.peek();
    return t.kind === "end" || (t.kind === "op" && t.text === ",");
  }

  parse(): Matcher[] {
    const matchers: Matcher[] = [];
    if (this.peek().kind === "end") return matchers;
    for (;;) {
      matchers.push(this.requirement());
      const t = this.next();
      if (t.kind === "end") return matchers;
      if (!(t.kind === "op" && t.text === ",")) parseError(t, "',' or 'end of string'");
    }
  }

  private requirement(): Matcher {
    const first = this.next();
    if (first.kind === "op" && first.text === "!") {
      const key = this.identifier("identifier");
      return (labels) => !(key in labels);
    }
    if (first.kind !== "id") parseError(first, "!, identifier");
    const key = first.text;
    checkKey(key);
    if (this.atBoundary()) return (labels) => key in labels;
    const op = this.next();
    if (op.kind === "in" || op.kind === "notin") {
      const values = this.valueSet();
      return op.kind === "in"
        ? (labels) => key in labels && values.has(labels[key] ?? "")
        : (labels) => !(key in labels) || !values.has(labels[key] ?? "");
    }
    if (op.kind !== "op") parseError(op, "=, !=, ==, in, notin");
    if (op.text === ">" || op.text === "<") return this.numeric(key, op.text);
    if (op.text !== "=" && op.text !== "==" && op.text !== "!=")
      parseError(op, "=, !=, ==, in, notin");
    const value = this.atBoundary() ? "" : this.identifier("identifier");
    checkValue(value, 0);
    return op.text === "!="
      ? (labels) => labels[key] !== value
      : (labels) => key in labels && labels[key] === value;
  }

  private identifier(expected: string): string {
    const t = this.next();
    if (t.kind !== "id") parseError(t, expected);
    return t.text;
  }

  private numeric(key: string, op: ">" | "<"): Matcher {
    const raw = this.identifier("integer");
    if (!/^-?\d+$/.test(raw))
      throw badRequest(
        `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
      );
    const bound = Number(raw);
    return (labels) => {
      const v = labels[key];
      if (v === undefined || !/^-?\d+$/.test(v)) return false;
      return op === ">" ? Number(v) > bound : Number(v) < bound;
    };
  }

  private valueSet(): Set<string> {
    const open = this.next();
    if (!(open.kind === "op" && open.text === "(")) parseError(open, "'('");
    const values: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "id") {
        this.next();
        values.push(t.text);
      } else if (t.kind === "op" && (t.text === "," || t.text === ")")) {
        values.push(""); // an empty member, as in `in (a,)`
      } else {
        parseError(t, "',', ')' or identifier");
      }
      const sep = this.next();
      if (sep.kind === "op" && sep.text === ")") break;
      if (!(sep.kind === "op" && sep.text === ",")) parseError(sep, "',' or ')'");
    }
    if (values.length === 1 && values[0] === "") {
      throw badRequest(
        "unable to parse requirement: values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
      );
    }
    values.forEach(checkValue);
    return new Set(values);
  }
}

/** Parses a `labelSelector` (`a=b,c!=d,e in (f,g),h notin (i),j,!k`); "" selects everything. */
export function parseLabelSelector(selector: string): Matcher {
  const matchers = new Parser(tokenize(selector)).parse();
  return (labels) => matchers.every((m) => m(labels));
}

/**
 * Parses a `fieldSelector` (`metadata.name=x,metadata.namespace!=y`) over the field labels a
 * resource supports; any other field is a 400 `field label not supported: <field>`.
 */
export function parseFieldSelector(selector: string, supported: readonly string[]): Matcher {
  const terms = selector.trim() === "" ? [] : selector.split(",");
  const matchers = terms.map((term): Matcher => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, field = "", op, value = ""] = m;
    if (!supported.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return op === "!=" ? (f) => f[field] !== value : (f) => f[field] === value;
  });
  return (fields) => matchers.every((m) => m(fields));
}
