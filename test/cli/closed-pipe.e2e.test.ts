/**
 * `kairos ... | head`: when the reader of stdout goes away, the CLI ends as it would have, with
 * no "Unhandled 'error' event" stack for the user (Node reports EPIPE as an error event).
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { kairosArgv } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

/** Run the CLI with its stdout's reader already gone; collect stderr and the exit code. */
function runIntoClosedPipe(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, kairosArgv(args), {
    cwd: tempDir(),
    env: { ...process.env, KAIROS_STORE: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // Closed before the CLI has started (it takes far longer than this to write anything).
  child.stdout.destroy();
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("a closed stdout pipe", () => {
  it("ends `kairos server --help | head -0` quietly", async () => {
    const { code, stderr } = await runIntoClosedPipe(["server", "--help"]);
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
