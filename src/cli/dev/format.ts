/**
 * @module cli/dev/format
 * How `kairos dev` writes times and error messages: local wall-clock times (the start line
 * names the zone, `zoneLabel`), and an error cut to its first line and last lines so a command
 * that wrote 20,000 lines to stderr prints a dozen lines per attempt, not all of them.
 */
import { plural } from "../output.js";

/** Lines of an error kept after its first line. */
const TAIL_LINES = 10;
/** A printed error line longer than this is cut. */
const MAX_LINE_CHARS = 500;
/** Continuation lines of an error are indented under the event they belong to. */
const INDENT = "    ";

/** `HH:MM:SS.mmm` in the local time zone of this process. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The local zone's offset at `ms`, e.g. `UTC+05:30`, `UTC-04:00`, `UTC+00:00`. */
export function zoneLabel(ms: number): string {
  const offset = -new Date(ms).getTimezoneOffset();
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `UTC${offset < 0 ? "-" : "+"}${hh}:${mm}`;
}

/**
 * An error message for one event line: its first line, then (indented) at most the last
 * TAIL_LINES lines, with a line saying how many were left out and where to read them.
 */
export function boundedError(message: string, jobId: string): string {
  return boundedText(message, `see \`kairos jobs show ${jobId} --logs all\``, INDENT);
}

/**
 * `text` cut to its first line and last 10 lines, each at most 500 characters, with a line
 * saying how many were left out and `hint` (where to see them); continuation lines indented.
 */
export function boundedText(text: string, hint: string, indent: string): string {
  const lines = text.split(/\r?\n/).map(cut);
  if (lines.length <= TAIL_LINES + 2) return lines.join(`\n${indent}`);
  const omitted = lines.length - 1 - TAIL_LINES;
  const note = `... ${plural(omitted, "more line")} (${hint})`;
  return [lines[0], note, ...lines.slice(-TAIL_LINES)].join(`\n${indent}`);
}

function cut(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  return `${line.slice(0, MAX_LINE_CHARS)}…[${line.length - MAX_LINE_CHARS} more chars]`;
}
