/**
 * A real `kairos server` for the browser suite: the built CLI (dist/cli/main.js) when there is
 * one, else the sources through tsx (both serve the package's dist/dashboard). Commands run in
 * the seeded directory on its SQLite store; the server prints its URL, read from stdout.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const built = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const sources = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
/** The node arguments that start the CLI. */
const ENTRY = fs.existsSync(built) ? [built] : ["--import", tsxLoader, sources];
const run = promisify(execFile);

/** Run one `kairos` command in `cwd` and return its stdout (rejects on a non-zero exit). */
export async function kairos(cwd: string, args: readonly string[]): Promise<string> {
  const env = { ...process.env, KAIROS_STORE: "", KAIROS_SERVER: "", KAIROS_TOKEN: "" };
  const { stdout } = await run(process.execPath, [...ENTRY, ...args], { cwd, env });
  return stdout;
}

/** A started server: its URL, and how to stop it. */
export interface Server {
  readonly url: string;
  stop(): Promise<void>;
}

/** Start `kairos server --port 0 ...args` in `cwd`; resolves once it prints its URL. */
export function startServer(cwd: string, args: readonly string[]): Promise<Server> {
  const child = spawn(process.execPath, [...ENTRY, "server", "--port", "0", ...args], {
    cwd,
    env: { ...process.env, KAIROS_STORE: "", KAIROS_SERVER: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise<Server>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /kairos: serving (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, stop: () => stop(child) });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("close", (code) =>
      reject(new Error(`kairos server exited (${code}) before serving:\n${output}`)),
    );
  });
}

/** SIGTERM (the server drains), and wait for the exit. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
