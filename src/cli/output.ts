/**
 * @module cli/output
 * Human tables and JSON for the CLI, and the exit codes scripts can rely on.
 */
import fs from "node:fs";
import { KairosError } from "../core/errors.js";

/** Exit codes: stable, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** Something failed at run time (store error, job failure when waiting). */
  failure: 1,
  /** Bad usage or invalid input (bad flag, bad config, bad cron). */
  usage: 2,
  /** The named job, schedule or function does not exist, or the store does not (STORE_NOT_FOUND). */
  notFound: 3,
  /** Conflict or full queue: the request was valid but refused. */
  refused: 4,
  /** The server refused the API token (missing, invalid, or read-only for a write). */
  auth: 5,
} as const;

/** Where the CLI writes; injected so tests and `kairos dev` can capture it. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** All of standard input as UTF-8 (for `--payload -`); absent where there is none. */
  readStdin?(): string;
}

/** The process's stdout/stderr/stdin. */
export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => fs.readFileSync(0, "utf8"),
};

/**
 * An error message as one block on stderr: `kairos: ` before the first line, continuation
 * lines indented two spaces so they read as part of the same error.
 */
export function errorBlock(message: string): string {
  return `kairos: ${message.replace(/\r?\n/g, "\n  ")}`;
}

/** Render rows as an aligned text table with a header. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map(cellText));
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)),
  );
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "-";
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "-");
}

/** Map an error to its exit code. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof KairosError)) return EXIT.failure;
  switch (error.code) {
    case "VALIDATION":
    case "DUPLICATE_DEFINITION":
    case "K8S_UNEXPORTABLE":
    case "K8S_NOT_IN_CLUSTER":
      return EXIT.usage;
    case "NOT_FOUND":
    case "STORE_NOT_FOUND":
    case "UNKNOWN_FUNCTION":
      return EXIT.notFound;
    case "CONFLICT":
    case "QUEUE_FULL":
    case "CONTROL_REFUSED":
    case "K8S_DYNAMIC_DISABLED":
      return EXIT.refused;
    case "UNAUTHORIZED":
    case "FORBIDDEN":
      return EXIT.auth;
    case "STORE_UNAVAILABLE":
    case "STORE_DISK_FULL":
      return EXIT.failure;
    default:
      return EXIT.failure;
  }
}

/** `1 function`, `2 functions`, `0 schedules`: the plural only when needed. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : pluralForm}`;
}

/** ISO-8601 or "-". */
export function iso(value: Date | number | null | undefined): string {
  if (value === null || value === undefined) return "-";
  return new Date(value).toISOString();
}
