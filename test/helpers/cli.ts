/**
 * Drive the real `kairos` CLI as a child process: the TypeScript sources through tsx's loader
 * (never a possibly stale dist/ build), in a directory of the test's choosing. With
 * KAIROS_CLI_BUILT=1 (`.ci/run`, right after `npm run build`) the built dist/cli/main.js runs
 * instead: the same code, without compiling it again in every process (a command starts in
 * about half the time).
 *
 * With KAIROS_CLI_MODE=remote (`npm run test:cli-remote`), `runKairos` runs each command
 * against a `kairos server` on the same store instead (started once per directory and store,
 * in an empty directory of its own with `--config-dir` the test's directory, reused, killed
 * when the test process exits): `--store X` becomes `--server URL`, so the
 * same assertions pin that a command prints the same against a server. `dev`, `cron`,
 * `server`, `--help` and `--version` stay local, and so do `startKairos` and `kairosArgv`; a
 * test that pins local-store behaviour passes `{ KAIROS_CLI_MODE: "local" }` in `env`.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll } from "vitest";
import { DEFAULT_STORE_URL } from "../../src/stores/open-store.js";
import { waitFor } from "./async.js";

const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// tsx's loader by absolute URL: the commands run in temp directories without node_modules.
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const built = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const FROM_BUILD = process.env.KAIROS_CLI_BUILT === "1";
if (FROM_BUILD && !fs.existsSync(built)) {
  throw new Error(`KAIROS_CLI_BUILT=1 but ${built} is missing: run \`npm run build\` first`);
}
/** The node arguments that start the CLI, before its own. */
const ENTRY = FROM_BUILD ? [built] : ["--import", tsxLoader, main];
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
  const argv = REMOTE && env.KAIROS_CLI_MODE !== "local" ? await remoteArgs(cwd, args, env) : args;
  try {
    const { stdout, stderr } = await run(process.execPath, [...ENTRY, ...argv], {
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

/**
 * In `dir`: apply a kairos.yaml with workflow `etl` (one task `extract` running the
 * command function `ok`) and trigger it; returns the triggered run's id.
 */
export async function triggerOneTaskRun(dir: string): Promise<{ runId: string }> {
  fs.writeFileSync(
    path.join(dir, "kairos.yaml"),
    `functions:\n  - { name: ok, kind: command, command: ["node", "-e", "1"] }\n` +
      `workflows:\n  - name: etl\n    tasks:\n      - { id: extract, fn: ok }\n`,
  );
  const applied = await runKairos(dir, ["apply"]);
  if (applied.code !== 0) throw new Error(`kairos apply failed: ${applied.stderr}`);
  const run = JSON.parse((await runKairos(dir, ["workflows", "trigger", "etl", "--json"])).stdout);
  return { runId: (run as { id: string }).id };
}

/** The argv that starts the CLI (for tests that spawn it themselves, e.g. to send signals). */
export function kairosArgv(args: readonly string[]): string[] {
  return [...ENTRY, ...args];
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

/** Whether `runKairos` talks to a `kairos server` (see the module header). */
const REMOTE = process.env.KAIROS_CLI_MODE === "remote";

/** Whether this run drives the CLI against a server (`KAIROS_CLI_MODE=remote`). */
export const remoteMode: boolean = REMOTE;

/** Pass as `env` to pin local-store behaviour (choosing, opening, creating a store). */
export const LOCAL: Readonly<Record<string, string>> = { KAIROS_CLI_MODE: "local" };

/** Commands (and flags) that never talk to a server. */
const LOCAL_ONLY = new Set(["dev", "cron", "server", "--help", "-h", "help", "--version", "-V"]);

/** The servers started, by directory and store; each answers at its URL. */
const servers = new Map<string, Promise<string>>();
const children: ChildProcess[] = [];
const serverDirs: string[] = [];
/** Kill every server this file started and remove their directories. */
async function stopServers(): Promise<void> {
  const running = children.splice(0);
  servers.clear();
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
  for (const dir of serverDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
// After each test file (vitest may end a worker process by a signal, which skips "exit"
// handlers: servers would outlive the run); "exit" still covers a process that ends normally.
if (REMOTE) afterAll(stopServers);
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of serverDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * `args` with `--store X` replaced by `--server URL` of a server on that store (see
 * `startServer`); one server per directory and store, reused by later calls.
 */
async function remoteArgs(
  cwd: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<readonly string[]> {
  if (args.some((a) => LOCAL_ONLY.has(a)) || args.includes("--server")) return args;
  const rest: string[] = [];
  let store: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--store") store = args[++i];
    else if (arg.startsWith("--store=")) store = arg.slice("--store=".length);
    else rest.push(arg);
  }
  const url = absoluteStore(cwd, store ?? (env.KAIROS_STORE || DEFAULT_STORE_URL));
  const key = JSON.stringify([cwd, url]);
  let serving = servers.get(key);
  if (!serving) {
    serving = startServer(cwd, url, env);
    servers.set(key, serving);
  }
  return ["--server", await serving, ...rest];
}

/** A store URL as the CLI in `cwd` would resolve it: a relative SQLite path made absolute. */
function absoluteStore(cwd: string, url: string): string {
  if (url === "sqlite::memory:" || url.includes("://")) return url;
  const file = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
  return `sqlite:${path.resolve(cwd, file)}`;
}

/**
 * Start `kairos server --port 0 --api-only` (no workers, like the CLI) on `store` and read its
 * URL from stdout. It runs in an empty directory of its own (so a test's broken kairos.yaml
 * cannot stop it) with `--config-dir` the test's directory: a posted kairos.yaml resolves its
 * module paths, and names its file in errors, exactly as the CLI run in that directory would.
 */
function startServer(cwd: string, store: string, env: Record<string, string>): Promise<string> {
  const args = ["server", "--store", store, "--config-dir", cwd, "--port", "0", "--api-only"];
  const child = spawn(process.execPath, kairosArgv(args), {
    cwd: serverDir(),
    env: { ...process.env, ...env, KAIROS_STORE: "", KAIROS_SERVER: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /kairos: serving (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) =>
      reject(new Error(`kairos ${args.join(" ")} exited (${code}) before serving:\n${output}`)),
    );
  });
}

/** A new empty directory for one server (removed when the test process exits). */
function serverDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-server-"));
  serverDirs.push(dir);
  return dir;
}

/**
 * Like `startKairos`, but in remote mode (`KAIROS_CLI_MODE=remote`) the command talks to the
 * server on its store, as `runKairos` does: for long-running client commands such as
 * `kairos jobs logs ID --follow`.
 */
export async function startKairosClient(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ReturnType<typeof startKairos>> {
  const argv = REMOTE && env.KAIROS_CLI_MODE !== "local" ? await remoteArgs(cwd, args, env) : args;
  return startKairos(cwd, argv, env);
}
