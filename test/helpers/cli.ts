/**
 * Drive the real `kairos` CLI as a child process: the TypeScript sources through tsx's loader
 * (never a possibly stale dist/ build), in a directory of the test's choosing.
 */
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitFor } from "./async.js";

const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// tsx's loader by absolute URL: the commands run in temp directories without node_modules.
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const run = promisify(execFile);

/** What a finished CLI command left behind. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `kairos ...args` in `cwd`; KAIROS_STORE is cleared unless `env` sets it. */
export async function runKairos(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", tsxLoader, main, ...args], {
      cwd,
      env: { ...process.env, KAIROS_STORE: "", ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === "number" ? e.code : -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
    };
  }
}

/** The argv that starts the CLI (for tests that spawn it themselves, e.g. to send signals). */
export function kairosArgv(args: readonly string[]): string[] {
  return ["--import", tsxLoader, main, ...args];
}

/**
 * A long-running `kairos` process (e.g. `dev`): read its output as it comes, wait for a line,
 * signal it, await its exit.
 */
export function startKairos(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
) {
  const child = spawn(process.execPath, kairosArgv(args), {
    cwd,
    env: { ...process.env, KAIROS_STORE: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<CliResult>((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Wait until stdout matches (a deadline only for a process that never gets there). */
    waitForOutput: (pattern: RegExp) =>
      waitFor(
        () => pattern.test(stdout),
        `kairos ${args.join(" ")} to print ${pattern}\n${stdout}\n${stderr}`,
        120_000,
      ),
  };
}
