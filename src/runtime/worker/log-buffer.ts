/**
 * @module runtime/worker/log-buffer
 * Job log lines written by handlers (`ctx.log`), buffered and appended in batches: lines logged
 * in one turn of the event loop go to the store in one call. A job's lines are flushed before
 * its finalization is written, so a finished job never misses lines its handler logged.
 * After each written batch, one announcement per job in it (never per line) tells who wrote
 * how many lines (the pool emits `job:log`). Flushes run one after another, so one process
 * appends a job's lines in order and an incremental reader (seq cursor) never skips one.
 */
import type { JobLogLine } from "../../ports/job-store.js";

/** Longest stored message; longer ones are cut. */
const MAX_MESSAGE = 8_000;

/** Who wrote a line: the job's function and, for a workflow task, its run. */
export interface LogSource {
  readonly fn: string;
  readonly runId: string | null;
}

/** One job's share of a written batch. */
export interface LogBatchShare extends LogSource {
  readonly jobId: string;
  /** How many of its lines the batch carried. */
  readonly lines: number;
}

/** Buffers log lines and appends them through the one capability it is handed. */
export class LogBuffer {
  private lines: JobLogLine[] = [];
  private readonly sources = new Map<string, LogSource>();
  private flushQueued = false;
  private writing: Promise<void> = Promise.resolve();
  /** Writes started and not yet finished. */
  private writes = 0;

  constructor(
    private readonly appendLogs: (lines: readonly JobLogLine[]) => Promise<void>,
    private readonly reportError: (error: unknown) => void,
    private readonly announce: (shares: readonly LogBatchShare[]) => void = () => {},
  ) {}

  /** Buffer a line; it is written at the end of this turn of the event loop. */
  push(line: JobLogLine, source?: LogSource): void {
    this.lines.push({ ...line, message: String(line.message).slice(0, MAX_MESSAGE) });
    if (source) this.sources.set(line.jobId, source);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Write every buffered line now (after any write under way). Never throws. */
  flush(): Promise<void> {
    this.flushQueued = false;
    if (this.lines.length === 0) return this.writing;
    const lines = this.lines;
    this.lines = [];
    const shares = this.sharesOf(lines);
    this.writes++;
    this.writing = this.writing.then(() => this.write(lines, shares));
    return this.writing;
  }

  /**
   * True when no line of `jobId` is buffered and no write is under way: its finalization has
   * no line to wait for (`flushFor` would only wait a turn).
   */
  idleFor(jobId: string): boolean {
    return (
      this.writes === 0 && (this.lines.length === 0 || !this.lines.some((l) => l.jobId === jobId))
    );
  }

  /** Flush if any line of `jobId` is buffered (before the job's finalization). */
  async flushFor(jobId: string): Promise<void> {
    if (this.lines.some((l) => l.jobId === jobId)) await this.flush();
    else await this.writing;
  }

  private async write(lines: JobLogLine[], shares: readonly LogBatchShare[]): Promise<void> {
    try {
      await this.appendLogs(lines);
    } catch (error) {
      this.writes--;
      this.reportError(error);
      return;
    }
    this.writes--;
    try {
      this.announce(shares);
    } catch (error) {
      this.reportError(error);
    }
  }

  /** One share per job of the batch, in first-line order; the sources of its jobs dropped. */
  private sharesOf(lines: readonly JobLogLine[]): LogBatchShare[] {
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line.jobId, (counts.get(line.jobId) ?? 0) + 1);
    const shares: LogBatchShare[] = [];
    for (const [jobId, count] of counts) {
      const source = this.sources.get(jobId);
      this.sources.delete(jobId);
      if (source) shares.push({ jobId, ...source, lines: count });
    }
    return shares;
  }
}
