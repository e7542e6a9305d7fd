/**
 * vitest globalSetup: a wall-clock limit for the whole run, so that a hung run FAILS.
 *
 * Why: `testTimeout` is enforced by a timer inside the test worker. A bug that spins in
 * synchronous code (an unbounded loop in a store statement) blocks that worker's event loop,
 * so its timer never fires, and the main process waits for the worker forever (vitest 3 has no
 * per-worker watchdog; `teardownTimeout` only bounds teardown after the tests ended). This
 * timer lives in the main vitest process, whose event loop a worker cannot block: when the run
 * outlasts `KAIROS_TEST_RUN_TIMEOUT_MS` (default 20 minutes; the whole suite takes a few), it
 * says so, kills the worker processes and exits with status 1. Not armed in watch mode.
 */
import fs from "node:fs";
import type { TestProject } from "vitest/node";

const DEFAULT_LIMIT_MS = 20 * 60_000;

export default function setup(project: TestProject): () => void {
  if (project.vitest.config.watch) return () => {};
  const raw = process.env.KAIROS_TEST_RUN_TIMEOUT_MS;
  const limitMs = raw === undefined || raw === "" ? DEFAULT_LIMIT_MS : Number(raw);
  if (!Number.isFinite(limitMs) || limitMs <= 0) {
    throw new Error(`KAIROS_TEST_RUN_TIMEOUT_MS must be a positive number of ms, got "${raw}"`);
  }
  const timer = setTimeout(() => {
    process.stderr.write(
      `\n!!! The test run exceeded ${limitMs} ms (KAIROS_TEST_RUN_TIMEOUT_MS): a test worker is ` +
        `hung, probably spinning in synchronous code where no test timeout can fire. ` +
        `Killing the workers and failing the run.\n`,
    );
    for (const pid of descendants(process.pid)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    process.exit(1); // runs the "exit" handlers (the PostgreSQL test server stops)
  }, limitMs);
  timer.unref();
  return () => clearTimeout(timer);
}

/** Every descendant process of `root` (Linux /proc; elsewhere none are found). */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const name of entries) {
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may contain spaces and parentheses.
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
