/**
 * `kairos runs show` draws the run's DAG in colour only on a terminal and without NO_COLOR
 * (or TERM=dumb), and fits it to the terminal's width.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { dagStyle } from "../../src/cli/commands/runs.js";
import { kairosArgv, runKairos, triggerOneTaskRun } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

const ESC = "\u001b[";

describe("runs show's drawing style", () => {
  const tty = { isTTY: true, columns: 72 };
  it("uses colour on a terminal, never when piped, with NO_COLOR set or TERM=dumb", () => {
    expect(dagStyle(tty, {}).color).toBe(true);
    expect(dagStyle({ isTTY: false, columns: 72 }, {}).color).toBe(false);
    expect(dagStyle({}, {}).color).toBe(false);
    expect(dagStyle(tty, { NO_COLOR: "1" }).color).toBe(false);
    expect(dagStyle(tty, { NO_COLOR: "" }).color).toBe(true); // no-color.org: set and non-empty
    expect(dagStyle(tty, { TERM: "dumb" }).color).toBe(false);
  });

  it("fits the terminal's width; piped, COLUMNS or 100", () => {
    expect(dagStyle(tty, {}).width).toBe(72);
    expect(dagStyle(tty, { COLUMNS: "200" }).width).toBe(72);
    expect(dagStyle({}, { COLUMNS: "60" }).width).toBe(60);
    expect(dagStyle({}, { COLUMNS: "wide" }).width).toBe(100);
    expect(dagStyle({}, {}).width).toBe(100);
  });
});

/** `script` (util-linux) runs a command on a pseudo-terminal; the e2e needs it. */
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasScript)("kairos runs show on a terminal", { timeout: 120_000 }, () => {
  it("colours the DAG on a pseudo-terminal, not with NO_COLOR, not when piped", async () => {
    const dir = tempDir();
    const run = { id: (await triggerOneTaskRun(dir)).runId };
    const onTerminal = (env: Record<string, string>) => {
      const argv = [process.execPath, ...kairosArgv(["runs", "show", run.id])];
      const command = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
      return execFileSync("script", ["-q", "-e", "-c", command, "/dev/null"], {
        cwd: dir,
        env: { ...process.env, KAIROS_STORE: "", TERM: "xterm-256color", ...env },
        encoding: "utf8",
      });
    };
    expect(onTerminal({ NO_COLOR: "" })).toContain(ESC);
    expect(onTerminal({ NO_COLOR: "1" })).not.toContain(ESC);
    expect((await runKairos(dir, ["runs", "show", run.id], { NO_COLOR: "" })).stdout).not.toContain(
      ESC,
    );
  });
});
