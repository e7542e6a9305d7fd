/**
 * @module config/issues
 * Collects the problems of one config file with their positions, and turns zod's issues into
 * messages a person can act on (what was expected, what was found, a "did you mean").
 */
import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import { formatPath, type ConfigIssue } from "./errors.js";
import { didYouMean } from "./suggest.js";
import { FUNCTION_KINDS, KNOWN_KEYS } from "./schema.js";
import { offsetOfPath, positionAt } from "./yaml-position.js";

type Path = readonly (string | number)[];

/** The problems of one file, each placed at its field. */
export class IssueCollector {
  private readonly found: { offset: number; issue: ConfigIssue }[] = [];
  private readonly paths = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
  ) {}

  /**
   * Record a problem at `path` (at its key with `atKey`, or at `offset` when given). Only the
   * first problem of a path is kept: a later one is usually a consequence of the first.
   */
  add(
    path: Path,
    message: string,
    options: { suggestion?: string | null; atKey?: boolean; offset?: number } = {},
  ): void {
    const rendered = formatPath(path);
    if (this.paths.has(rendered)) return;
    this.paths.add(rendered);
    const offset =
      options.offset ?? offsetOfPath(this.doc, path, options.atKey === true ? { atKey: true } : {});
    this.push(offset, rendered, message, options.suggestion);
  }

  /** Record a problem at a raw position (YAML syntax errors). */
  addAt(line: number, column: number, message: string): void {
    this.found.push({
      offset: -1,
      issue: { file: this.file, line, column, path: "", message },
    });
  }

  /** Whether a problem was already recorded at `path` or inside it. */
  hasWithin(path: Path): boolean {
    const prefix = formatPath(path);
    for (const p of this.paths)
      if (p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`)) return true;
    return false;
  }

  get size(): number {
    return this.found.length;
  }

  /** The problems in file order. */
  issues(): ConfigIssue[] {
    return [...this.found]
      .sort((a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column)
      .map((f) => f.issue);
  }

  private push(offset: number, path: string, message: string, suggestion?: string | null): void {
    const { line, column } = positionAt(this.lineCounter, offset);
    this.found.push({
      offset,
      issue: {
        file: this.file,
        line,
        column,
        path,
        message,
        ...(suggestion === undefined || suggestion === null ? {} : { suggestion }),
      },
    });
  }
}

/** Add zod's issues for the file's data `raw` to `out`, reworded. */
export function addZodIssues(
  out: IssueCollector,
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
): void {
  for (const issue of issues) addZodIssue(out, issue, raw);
}

function addZodIssue(out: IssueCollector, issue: z.core.$ZodIssue, raw: unknown): void {
  const path = issue.path.filter((s): s is string | number => typeof s !== "symbol");
  const input = "input" in issue ? issue.input : valueAt(raw, path);
  switch (issue.code) {
    case "unrecognized_keys":
      addUnknownKeys(out, issue, path, raw);
      return;
    case "invalid_union":
      addInvalidUnion(out, issue, path, raw);
      return;
    case "invalid_type":
      addInvalidType(out, issue, path, input);
      return;
    case "invalid_value": {
      const values = issue.values.map((v) => String(v));
      out.add(
        path,
        `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(input)}`,
        { suggestion: typeof input === "string" ? didYouMean(input, values) : null },
      );
      return;
    }
    case "too_small": {
      const min = String(issue.minimum);
      if (issue.origin === "array") out.add(path, `must have at least ${min} item(s)`);
      else if (issue.origin === "string") out.add(path, "must not be empty");
      else
        out.add(
          path,
          `must be ${issue.inclusive === false ? ">" : ">="} ${min}, got ${describe(input)}`,
        );
      return;
    }
    case "too_big": {
      const max = String(issue.maximum);
      out.add(
        path,
        `must be ${issue.inclusive === false ? "<" : "<="} ${max}, got ${describe(input)}`,
      );
      return;
    }
    case "custom": {
      const suggestion = (issue.params as { suggestion?: unknown } | undefined)?.suggestion;
      out.add(path, issue.message, {
        suggestion: typeof suggestion === "string" ? suggestion : null,
      });
      return;
    }
    default:
      out.add(path, issue.message);
  }
}

/** One issue per unknown key, with a "did you mean", the kind that owns it, or the allowed keys. */
function addUnknownKeys(
  out: IssueCollector,
  issue: z.core.$ZodIssueUnrecognizedKeys,
  path: Path,
  raw: unknown,
): void {
  const known = knownKeys(path, raw);
  for (const key of issue.keys) {
    const otherKind = path.length === 2 && path[0] === "functions" ? kindOwning(key) : null;
    const suggestion =
      (known && didYouMean(key, known)) ??
      (otherKind !== null
        ? `"${key}" is a field of kind ${otherKind} functions`
        : known
          ? `allowed keys: ${known.join(", ")}`
          : null);
    out.add([...path, key], `unknown key ${JSON.stringify(key)}`, { suggestion, atKey: true });
  }
}

/** A union that matched no member; for a function's `kind`, says which kinds exist. */
function addInvalidUnion(
  out: IssueCollector,
  issue: z.core.$ZodIssueInvalidUnion,
  path: Path,
  raw: unknown,
): void {
  if ("discriminator" in issue && issue.discriminator === "kind") {
    const fn = valueAt(raw, path.slice(0, -1));
    const kind = isRecord(fn) ? fn.kind : undefined;
    const allowed = FUNCTION_KINDS.map((k) => JSON.stringify(k)).join(", ");
    if (kind === undefined) {
      const guess = isRecord(fn) ? guessKind(fn) : null;
      out.add(path, `kind is required: one of ${allowed}`, {
        suggestion: guess === null ? null : `add "kind: ${guess}"`,
      });
    } else {
      out.add(path, `expected one of ${allowed}, got ${describe(kind)}`, {
        suggestion: typeof kind === "string" ? didYouMean(kind, FUNCTION_KINDS) : null,
      });
    }
    return;
  }
  out.add(path, issue.message);
}

/** A missing field, a command written as a string, or a value of the wrong type. */
function addInvalidType(
  out: IssueCollector,
  issue: z.core.$ZodIssueInvalidType,
  path: Path,
  input: unknown,
): void {
  if (input === undefined) {
    out.add(path, `is required (${expectedLabel(issue.expected)})`);
    return;
  }
  if (path.at(-1) === "command" && typeof input === "string") {
    const argv = input.trim().split(/\s+/);
    out.add(path, "must be an argv array, not a string (commands never run through a shell)", {
      suggestion: `use an argv array, e.g. ${JSON.stringify(argv).replaceAll('","', '", "')}`,
    });
    return;
  }
  out.add(path, `expected ${expectedLabel(issue.expected)}, got ${describe(input)}`);
}

/** The value at `path` in `raw`, or undefined. */
export function valueAt(raw: unknown, path: Path): unknown {
  let cur = raw;
  for (const segment of path) {
    if (Array.isArray(cur) && typeof segment === "number") cur = cur[segment];
    else if (isRecord(cur)) cur = cur[String(segment)];
    else return undefined;
  }
  return cur;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The keys the object at `path` accepts, when known. */
function knownKeys(path: Path, raw: unknown): readonly string[] | null {
  const last = path.at(-1);
  const parent = path.at(-2);
  if (path.length === 0) return KNOWN_KEYS.top;
  if (path[0] === "workflows") return workflowKnownKeys(path);
  if (typeof last === "number" && parent === "functions") {
    const kind = valueAt(raw, [...path, "kind"]);
    return typeof kind === "string" && kind in KNOWN_KEYS.function
      ? KNOWN_KEYS.function[kind as keyof typeof KNOWN_KEYS.function]
      : null;
  }
  if (typeof last === "number" && parent === "schedules") return KNOWN_KEYS.schedule;
  if (last === "backoff") return KNOWN_KEYS.backoff;
  if (last === "concurrency") return KNOWN_KEYS.concurrency;
  if (last === "scheduler" && path.length === 1) return KNOWN_KEYS.scheduler;
  if (last === "kubernetes") {
    return path.length === 1 ? KNOWN_KEYS.kubernetes : KNOWN_KEYS.functionKubernetes;
  }
  return null;
}

/** The keys of the workflow object at `path` (["workflows", 0, "tasks", 1, "concurrency"]). */
function workflowKnownKeys(path: Path): readonly string[] | null {
  const keys = KNOWN_KEYS.workflow;
  const last = path.at(-1);
  if (path.length === 2) return keys.workflow;
  if (last === "schedule" && path.length === 3) return keys.schedule;
  if (typeof last === "number" && path.at(-2) === "tasks") return keys.task;
  if (last === "concurrency") return keys.concurrency;
  return null;
}

function kindOwning(key: string): string | null {
  for (const kind of FUNCTION_KINDS) if (KNOWN_KEYS.function[kind].includes(key)) return kind;
  return null;
}

function guessKind(fn: Record<string, unknown>): string | null {
  if ("command" in fn) return "command";
  if ("url" in fn) return "http";
  if ("file" in fn) return "module";
  return null;
}

function expectedLabel(expected: string): string {
  switch (expected) {
    case "object":
    case "record":
      return "a mapping";
    case "array":
      return "a list";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "an integer";
    case "boolean":
      return "true or false";
    default:
      return expected;
  }
}

/** A short description of a value as it appears in an error. */
export function describe(v: unknown): string {
  if (v === null) return "an empty value (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return typeof v;
}
