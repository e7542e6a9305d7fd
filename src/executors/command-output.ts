/**
 * @module executors/command-output
 * What a command executor keeps of a child's stdout and stderr: the last 64 KiB of each (the
 * end of the output is where the error usually is), and up to 200 lines per attempt forwarded
 * to the job log. Memory stays bounded however much the process writes.
 */
import { StringDecoder } from "node:string_decoder";
import type { JobContext } from "../ports/executor.js";
import { keepHead } from "./limits.js";

/** The last `limit` bytes written to one stream. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Drop whole chunks from the front while what remains still covers the limit.
    for (;;) {
      const first = this.chunks[0];
      if (first === undefined || this.chunks.length === 1 || this.size - first.length < this.limit)
        break;
      this.chunks.shift();
      this.size -= first.length;
      this.dropped += first.length;
    }
  }

  /** The kept bytes as UTF-8, after a "[truncated …]" marker when earlier bytes were dropped. */
  text(): string {
    let bytes = Buffer.concat(this.chunks);
    let dropped = this.dropped;
    if (bytes.length > this.limit) {
      dropped += bytes.length - this.limit;
      bytes = bytes.subarray(bytes.length - this.limit);
    }
    if (dropped === 0) return bytes.toString("utf8");
    // Skip the continuation bytes of a character cut in half by the cut.
    let start = 0;
    while (start < 3 && start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
    dropped += start;
    return `[truncated: ${dropped} earlier bytes]…${bytes.subarray(start).toString("utf8")}`;
  }
}

/** A stored log line longer than this is cut (the full text is still in stdout/stderr). */
const MAX_LOG_LINE_CHARS = 4_000;

/** Splits both streams into lines and forwards them to `ctx.log`, at most `maxLines` in all. */
export class LineForwarder {
  private logged = 0;
  private suppressed = 0;
  private readonly partial = { info: "", warn: "" };
  private readonly decoders = { info: new StringDecoder("utf8"), warn: new StringDecoder("utf8") };

  constructor(
    private readonly log: JobContext["log"],
    private readonly maxLines: number,
  ) {}

  /** Feed a chunk of stdout ("info") or stderr ("warn"). */
  write(level: "info" | "warn", chunk: Buffer): void {
    const text = this.partial[level] + this.decoders[level].write(chunk);
    const lines = text.split("\n");
    this.partial[level] = lines.pop() ?? "";
    for (const line of lines) this.emit(level, line);
    // A "line" with no newline for this long is logged in pieces rather than held forever.
    if (this.partial[level].length > MAX_LOG_LINE_CHARS) {
      this.emit(level, this.partial[level]);
      this.partial[level] = "";
    }
  }

  /** Flush unterminated last lines and say how many lines were not forwarded. */
  finish(): void {
    for (const level of ["info", "warn"] as const) {
      const rest = this.partial[level] + this.decoders[level].end();
      this.partial[level] = "";
      if (rest !== "") this.emit(level, rest);
    }
    if (this.suppressed > 0) {
      this.send(
        `... ${this.suppressed} more lines (only the first ${this.maxLines} lines of output are logged)`,
        "warn",
      );
      this.suppressed = 0;
    }
  }

  /** Log a line of Kairos's own about the process, outside the line budget. */
  note(message: string, level: "info" | "warn"): void {
    this.send(message, level);
  }

  private emit(level: "info" | "warn", line: string): void {
    if (this.logged >= this.maxLines) {
      this.suppressed++;
      return;
    }
    this.logged++;
    this.send(keepHead(line.endsWith("\r") ? line.slice(0, -1) : line, MAX_LOG_LINE_CHARS), level);
  }

  private send(message: string, level: "info" | "warn"): void {
    try {
      this.log(message, level);
    } catch {
      // A failing log sink must not break reading the child's pipes (a full pipe would stall it).
    }
  }
}
