/**
 * A real JobContext for executor tests: its signal comes from a real AbortController the test
 * holds, and every log line and progress call is recorded.
 */
import { readFileSync } from "node:fs";
import type { JobContext } from "../../src/runtime/functions.js";

export interface LogLine {
  message: string;
  level: "debug" | "info" | "warn" | "error";
}

export interface TestContext {
  ctx: JobContext;
  controller: AbortController;
  logs: LogLine[];
  progress: { percent: number; message?: string }[];
}

export function testContext(
  fields: Partial<Pick<JobContext, "jobId" | "fn" | "attempt" | "maxAttempts">> = {},
): TestContext {
  const controller = new AbortController();
  const logs: LogLine[] = [];
  const progress: TestContext["progress"] = [];
  const ctx: JobContext = {
    jobId: fields.jobId ?? "job-1",
    fn: fields.fn ?? "test-fn",
    attempt: fields.attempt ?? 1,
    maxAttempts: fields.maxAttempts ?? 3,
    signal: controller.signal,
    generation: 1,
    checkpoint: null,
    saveCheckpoint: () => Promise.resolve(),
    progress: (percent, message) =>
      progress.push(message === undefined ? { percent } : { percent, message }),
    log: (message, level = "info") => logs.push({ message, level }),
  };
  return { ctx, controller, logs, progress };
}

/**
 * Whether `pid` is a live process. A zombie counts as gone: it has exited and only waits to be
 * reaped, and in some containers PID 1 never reaps the orphans it inherits.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat is "pid (comm) state ...": comm may hold spaces, so split after ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false; // No /proc (macOS): kill(pid, 0) is the whole answer.
  }
}
