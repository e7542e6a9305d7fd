/**
 * @module cli/flags
 * Parsers for flag values, run by commander while it parses argv: a bad value is a usage
 * error (exit 2) before any command opens the store, and its message says what was given and
 * what is allowed (`--limit must be an integer from 1 to 1000, got "abc"`).
 */
import fs from "node:fs";
import { InvalidArgumentError } from "commander";
import { JOB_STATES, isJobState, type JobState } from "../core/jobs/states.js";
import { parseDuration } from "../core/schedules/duration.js";
import { jsonErrorOffset } from "./json-position.js";
import type { Io } from "./output.js";

/** A parser commander calls with the raw flag value. */
export type FlagParser<T> = (value: string) => T;

/** An integer flag in `min..max`; anything else (NaN, 1.5, "1e9", "") is rejected. */
export function intFlag(flag: string, min: number, max: number): FlagParser<number> {
  return (value) => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    }
    return n;
  };
}

/** A duration flag ("250ms", "10s", "1h30m") in milliseconds. */
export function durationFlag(flag: string): FlagParser<number> {
  return (value) => {
    try {
      return parseDuration(value, flag);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

/** An ISO-8601 instant flag, in epoch milliseconds. */
export function instantFlag(flag: string): FlagParser<number> {
  return (value) => {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) {
      throw new InvalidArgumentError(
        `${flag} must be an ISO-8601 instant such as 2026-12-01T03:00:00Z, got ${JSON.stringify(value)}`,
      );
    }
    return ms;
  };
}

/** A comma-separated list of job states; an unknown one is named with the valid ones. */
export const statesFlag: FlagParser<JobState[]> = (value) => {
  const states = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const s of states) {
    if (!isJobState(s)) {
      throw new InvalidArgumentError(
        `unknown state ${JSON.stringify(s)}; valid states: ${JOB_STATES.join(", ")}`,
      );
    }
  }
  return states as JobState[];
};

/**
 * A JSON flag value: inline JSON, `@FILE` (read from the file) or `-` (read from stdin through
 * `io.readStdin`). Errors name the source (the file, stdin or the flag) and the line and
 * column of bad JSON.
 */
export function jsonFlag(flag: string, io: Io): FlagParser<unknown> {
  return (value) => {
    let source = flag;
    let text = value;
    if (value === "-") {
      source = "stdin";
      if (!io.readStdin) throw new InvalidArgumentError(`${flag} -: stdin is not available here`);
      text = readOrFail(source, () => io.readStdin!());
    } else if (value.startsWith("@")) {
      source = value.slice(1);
      text = readOrFail(source, () => fs.readFileSync(source, "utf8"));
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new InvalidArgumentError(`${source}: ${describeJsonError(text, error as Error)}`);
    }
  };
}

function readOrFail(source: string, read: () => string): string {
  try {
    return read();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why =
      e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "is a directory" : e.message;
    throw new InvalidArgumentError(`cannot read ${source}: ${why}${e.code ? ` (${e.code})` : ""}`);
  }
}

/** "invalid JSON at line L, column C (position P): <parser message>". */
export function describeJsonError(text: string, error: Error): string {
  if (text.trim() === "") return "invalid JSON: the input is empty";
  const message = error.message.replace(/ in JSON at position \d+.*$/s, "");
  const position = jsonErrorOffset(text) ?? Number(/at position (\d+)/.exec(error.message)?.[1]);
  if (!Number.isInteger(position)) return `invalid JSON: ${message}`;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `invalid JSON at line ${line}, column ${column} (position ${position}): ${message}`;
}
