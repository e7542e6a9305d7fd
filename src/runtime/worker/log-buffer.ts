/**
 * @module runtime/worker/log-buffer
 * Job log lines written by handlers (`ctx.log`), buffered and appended in batches: lines logged
 * in one turn of the event loop go to the store in one call. A job's lines are flushed before
 * its finalization is written, so a finished job never misses lines its handler logged.
 */
import type { JobLogLine } from "../../ports/job-store.js";

/** Longest stored message; longer ones are cut. */
const MAX_MESSAGE = 8_000;

/** Buffers log lines and appends them through the one capability it is handed. */
export class LogBuffer {
  private lines: JobLogLine[] = [];
  private flushQueued = false;

  constructor(
    private readonly appendLogs: (lines: readonly JobLogLine[]) => Promise<void>,
    private readonly reportError: (error: unknown) => void,
  ) {}

  /** Buffer a line; it is written at the end of this turn of the event loop. */
  push(line: JobLogLine): void {
    this.lines.push({ ...line, message: String(line.message).slice(0, MAX_MESSAGE) });
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Write every buffered line now. Never throws (a failed write is reported). */
  async flush(): Promise<void> {
    this.flushQueued = false;
    if (this.lines.length === 0) return;
    const lines = this.lines;
    this.lines = [];
    try {
      await this.appendLogs(lines);
    } catch (error) {
      this.reportError(error);
    }
  }

  /** Flush if any line of `jobId` is buffered (before the job's finalization). */
  async flushFor(jobId: string): Promise<void> {
    if (this.lines.some((l) => l.jobId === jobId)) await this.flush();
  }
}
