import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JobCancelledError, ValidationError } from "../../src/core/errors.js";
import { createCommandHandler } from "../../src/executors/command.js";
import { CommandExecutorError } from "../../src/executors/errors.js";
import { waitFor } from "../helpers/async.js";
import { isAlive, testContext } from "./ctx.js";

const node = process.execPath;
const dir = realpathSync(mkdtempSync(join(tmpdir(), "kairos-command-")));
const spawned: number[] = [];

afterAll(() => {
  // Belt and braces: a failing test must not leave its processes running.
  for (const pid of spawned) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

async function failure(run: Promise<unknown>): Promise<CommandExecutorError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandExecutorError);
  return error as CommandExecutorError;
}

/** Read a pid a process wrote to `file`, once it is there. */
async function pidFrom(file: string): Promise<number> {
  const pid = await waitFor(() => {
    try {
      const n = Number(readFileSync(file, "utf8").trim());
      return Number.isInteger(n) && n > 0 ? n : null;
    } catch {
      return null;
    }
  }, `a pid in ${file}`);
  spawned.push(pid);
  return pid;
}

describe("command executor", () => {
  it("resolves exit 0 with stdout and stderr, and logs their lines", async () => {
    const handler = createCommandHandler({
      command: [node, "-e", "console.log('hello'); console.log('world'); console.error('careful')"],
    });
    const { ctx, logs } = testContext();
    const result = await handler({}, ctx);
    expect(result).toEqual({ exitCode: 0, stdout: "hello\nworld\n", stderr: "careful\n" });
    expect(logs).toEqual(
      expect.arrayContaining([
        { message: "hello", level: "info" },
        { message: "world", level: "info" },
        { message: "careful", level: "warn" },
      ]),
    );
    expect(logs).toHaveLength(3);
  });

  it("fails a non-zero exit with the exit code and the stderr tail", async () => {
    const handler = createCommandHandler({
      command: [
        node,
        "-e",
        "console.error('step 1 ok'); console.error('boom: disk full'); process.exit(3)",
      ],
    });
    const error = await failure(handler({}, testContext().ctx));
    expect(error.code).toBe("COMMAND_FAILED");
    expect(error.failure).toBe("exit");
    expect(error.exitCode).toBe(3);
    expect(error.signal).toBeNull();
    expect(error.stderrTail).toBe("step 1 ok\nboom: disk full\n");
    expect(error.message).toMatch(/exited with code 3; stderr: step 1 ok\nboom: disk full$/);
    expect(error.message).toContain(node);
  });

  it("fails a death by signal naming the signal", async () => {
    const handler = createCommandHandler({
      command: [node, "-e", "process.kill(process.pid, 'SIGKILL')"],
    });
    const error = await failure(handler({}, testContext().ctx));
    expect(error.failure).toBe("signal");
    expect(error.signal).toBe("SIGKILL");
    expect(error.exitCode).toBeNull();
    expect(error.message).toContain("was killed by signal SIGKILL");
  });

  it("gives the payload as JSON on stdin and in KAIROS_PAYLOAD, with the job id and attempt", async () => {
    const script = `
      let input = "";
      process.stdin.setEncoding("utf8");
      process.stdin.on("data", (d) => (input += d));
      process.stdin.on("end", () => {
        console.log(JSON.stringify({
          stdin: JSON.parse(input),
          env: JSON.parse(process.env.KAIROS_PAYLOAD),
          jobId: process.env.KAIROS_JOB_ID,
          attempt: process.env.KAIROS_ATTEMPT,
          fn: process.env.KAIROS_FUNCTION,
        }));
      });`;
    const handler = createCommandHandler({ command: [node, "-e", script] });
    const payload = { city: "Zürich", n: [1, 2, 3], quote: 'it\'s "$HOME" `x`' };
    const { ctx } = testContext({ jobId: "job-7", attempt: 2, fn: "report" });
    const result = await handler(payload, ctx);
    expect(JSON.parse(result.stdout)).toEqual({
      stdin: payload,
      env: payload,
      jobId: "job-7",
      attempt: "2",
      fn: "report",
    });
  });

  it("honours env, cwd and inheritEnv", async () => {
    process.env.KAIROS_TEST_INHERITED = "from-parent";
    try {
      const script =
        "console.log(JSON.stringify({ cwd: process.cwd(), extra: process.env.EXTRA, inherited: process.env.KAIROS_TEST_INHERITED ?? null }))";
      const inherit = createCommandHandler({
        command: [node, "-e", script],
        env: { EXTRA: "yes" },
        cwd: dir,
      });
      const inherited = await inherit({}, testContext().ctx);
      expect(JSON.parse(inherited.stdout)).toEqual({
        cwd: dir,
        extra: "yes",
        inherited: "from-parent",
      });

      const isolated = createCommandHandler({
        command: [node, "-e", script],
        env: { EXTRA: "only" },
        inheritEnv: false,
      });
      const alone = await isolated({}, testContext().ctx);
      expect(JSON.parse(alone.stdout)).toMatchObject({ extra: "only", inherited: null });
    } finally {
      delete process.env.KAIROS_TEST_INHERITED;
    }
  });

  it("keeps the last 64 KiB of each stream with a marker, and logs at most 200 lines", async () => {
    const script =
      "for (let i = 0; i < 300; i++) console.log('line ' + i); process.stdout.write('a'.repeat(100000) + 'END')";
    const { ctx, logs } = testContext();
    const result = await createCommandHandler({ command: [node, "-e", script] })({}, ctx);
    const bytes = Buffer.byteLength(result.stdout);
    expect(bytes).toBeGreaterThan(65_536);
    expect(bytes).toBeLessThan(65_536 + 100);
    expect(result.stdout.endsWith("aaaaEND")).toBe(true);
    expect(/^\[truncated: \d+ earlier bytes\]…a/.test(result.stdout)).toBe(true);

    expect(logs).toHaveLength(201);
    expect(logs[0]).toEqual({ message: "line 0", level: "info" });
    expect(logs[199]).toEqual({ message: "line 199", level: "info" });
    // 100 more "line N" lines, plus the 100 kB unterminated last line logged in pieces.
    expect(logs[200]!.message).toMatch(/^\.\.\. \d+ more lines \(only the first 200 lines/);
  });

  it("fails clearly when the executable does not exist", async () => {
    const handler = createCommandHandler({ command: ["kairos-no-such-executable", "--flag"] });
    const error = await failure(handler({}, testContext().ctx));
    expect(error.failure).toBe("spawn");
    expect(error.errno).toBe("ENOENT");
    expect(error.message).toBe(
      'cannot run command `kairos-no-such-executable --flag`: executable "kairos-no-such-executable" not found (ENOENT); check the path, or that it is on PATH',
    );
  });

  it("says so when the working directory does not exist", async () => {
    const missing = join(dir, "no-such-dir");
    const handler = createCommandHandler({ command: [node, "-e", ""], cwd: missing });
    const error = await failure(handler({}, testContext().ctx));
    expect(error.failure).toBe("spawn");
    expect(error.message).toContain(`working directory ${JSON.stringify(missing)} does not exist`);
  });

  it("kills the process when its own timeout elapses", async () => {
    const pidFile = join(dir, "timeout.pid");
    // sh writes its pid within milliseconds even on a loaded machine (a node child took more
    // than the timeout to start under load, and was killed before it wrote the file).
    const handler = createCommandHandler({
      command: ["sh", "-c", 'echo $$ > "$PIDFILE"; sleep 30'],
      env: { PIDFILE: pidFile },
      timeoutMs: 1_000,
    });
    const run = handler({}, testContext().ctx);
    const pid = await pidFrom(pidFile);
    const error = await failure(run);
    expect(error.failure).toBe("timeout");
    expect(error.message).toMatch(/timed out after 1000 ms .*its process group was killed/);
    expect(isAlive(pid)).toBe(false);
  });

  it("on abort kills the whole process tree, grandchildren included, and throws the signal's reason", async () => {
    const childPidFile = join(dir, "tree-child.pid");
    const grandchildPidFile = join(dir, "tree-grandchild.pid");
    const handler = createCommandHandler({
      command: ["sh", "-c", 'sleep 30 & echo $! > "$GRANDCHILD"; echo $$ > "$CHILD"; sleep 30'],
      env: { CHILD: childPidFile, GRANDCHILD: grandchildPidFile },
    });
    const { ctx, controller } = testContext();
    const run = handler({}, ctx);
    const child = await pidFrom(childPidFile);
    const grandchild = await pidFrom(grandchildPidFile);
    expect(isAlive(child)).toBe(true);
    expect(isAlive(grandchild)).toBe(true);

    const reason = new JobCancelledError();
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    await waitFor(
      () => !isAlive(child) && !isAlive(grandchild),
      "child and grandchild to die",
      5_000,
    );
  });

  it("escalates to SIGKILL for a tree that ignores SIGTERM", async () => {
    const pidFile = join(dir, "stubborn.pid");
    const grandchildScript =
      "process.on('SIGTERM', () => {}); require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)";
    const script = `
      process.on("SIGTERM", () => {});
      require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchildScript)}, process.argv[1]], { stdio: "inherit" });
      setInterval(() => {}, 1000);`;
    const handler = createCommandHandler({ command: [node, "-e", script, pidFile] });
    const { ctx, controller } = testContext();
    const run = handler({}, ctx);
    const grandchild = await pidFrom(pidFile);

    const abortedAt = Date.now();
    controller.abort(new JobCancelledError());
    await expect(run).rejects.toBeInstanceOf(JobCancelledError);
    const took = Date.now() - abortedAt;
    expect(took).toBeGreaterThanOrEqual(1_900); // the 2 s grace after SIGTERM
    expect(took).toBeLessThan(4_500);
    await waitFor(() => !isAlive(grandchild), "the grandchild to die", 5_000);
  });

  it("terminates what a successful command left running in its group", async () => {
    const pidFile = join(dir, "leftover.pid");
    const handler = createCommandHandler({
      command: ["sh", "-c", 'sleep 30 & echo $! > "$PIDFILE"; echo done'],
      env: { PIDFILE: pidFile },
    });
    const { ctx, logs } = testContext();
    const result = await handler({}, ctx);
    expect(result.stdout).toBe("done\n");
    const leftover = await pidFrom(pidFile);
    await waitFor(() => !isAlive(leftover), "the background sleep to die", 5_000);
    expect(logs.some((l) => l.level === "warn" && l.message.includes("still running"))).toBe(true);
  });

  it("rejects at once with the reason when the signal is already aborted", async () => {
    const { ctx, controller } = testContext();
    const reason = new JobCancelledError();
    controller.abort(reason);
    await expect(createCommandHandler({ command: [node, "-e", ""] })({}, ctx)).rejects.toBe(reason);
  });

  it("rejects a bad spec when created", () => {
    const bad =
      (spec: unknown): (() => unknown) =>
      () =>
        createCommandHandler(spec as Parameters<typeof createCommandHandler>[0]);
    expect(bad({ command: "echo hi" })).toThrow(ValidationError);
    expect(bad({ command: [] })).toThrow(/non-empty argv array/);
    expect(bad({ command: [""] })).toThrow(/must not be empty/);
    expect(bad({ command: ["echo"], timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(bad({ command: ["echo"], env: { A: 1 } })).toThrow(/env "A"/);
    expect(bad({ command: ["echo"], timeoutMs: null })).not.toThrow();
  });
});
