/**
 * @module config/errors
 * The error a config file raises: every problem found in the file at once, each with its
 * position (`file:line:column`), the field path, what was expected and, where one exists, a
 * hint. One ConfigError per file, so a user fixes everything in one pass.
 */
import { ValidationError } from "../core/errors.js";

/** One problem in a config file. Lines and columns are 1-based. */
export interface ConfigIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The field path, e.g. `functions[0].schedules[1].cron`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** How to fix it, e.g. `did you mean "timezone"?`. */
  readonly suggestion?: string;
}

/** One issue as a line: `file:line:col: path: message (hint: ...)`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const path = issue.path === "" ? "" : `${issue.path}: `;
  const hint = issue.suggestion === undefined ? "" : ` (hint: ${issue.suggestion})`;
  return `${where}: ${path}${issue.message}${hint}`;
}

/**
 * A config file is invalid. Code "VALIDATION" (it is a ValidationError); `issues` lists every
 * problem in file order, and the message has one line per issue.
 */
export class ConfigError extends ValidationError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(issues.map(formatIssue).join("\n"), options);
    this.issues = issues;
  }
}

/** Render a field path (`["functions", 0, "cron"]` -> `functions[0].cron`). */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}
