/**
 * Start a test fixture as a child process (through tsx) and wait for it to say it is ready;
 * the caller owns `children` and kills what is left after each test.
 */
import { spawn, type ChildProcess } from "node:child_process";

/** Spawn `fixture args...`; resolves once its stdout contains `readyWord`, rejects if it exits first. */
export function startFixture(
  fixture: string,
  args: readonly string[],
  readyWord: string,
  children: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes(readyWord)) resolve(child);
    });
    child.on("exit", (code) =>
      reject(new Error(`${fixture} exited before "${readyWord}" (${code}): ${stderr}`)),
    );
  });
}
