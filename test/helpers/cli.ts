/**
 * Drive the real `kairos` CLI as a child process: the TypeScript sources through tsx's loader
 * (never a possibly stale dist/ build), in a directory of the test's choosing.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

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
