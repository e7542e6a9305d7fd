import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { nextEvent } from "../helpers/async.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

/** Run the CLI in this process against `file`; returns stdout lines (stderr apart) and the exit code. */
async function cli(file: string, args: string[]): Promise<{ out: string[]; code: number }> {
  const out: string[] = [];
  let code = 0;
  const program = buildProgram(
    { out: (line) => out.push(...line.split("\n")), err: () => undefined },
    (c) => {
      code = c;
    },
  );
  program.exitOverride();
  await program.parseAsync(["--store", `sqlite:${file}`, ...args], {
    from: "user",
  });
  return { out, code };
}

/** A job that failed once (TypeError, two-line message) and then succeeded, on `file`. */
async function retriedJob(file: string): Promise<string> {
  const k = await fileKairos(file, { workerId: "w-cli" });
  k.define(
    "flaky",
    (_p, ctx) => {
      if (ctx.attempt === 1) throw new TypeError("first line\nsecond line");
      return "ok";
    },
    { maxAttempts: 2, backoff: { type: "fixed", delayMs: 0 } },
  );
  const job = await k.enqueue("flaky", {});
  await k.start();
  await nextEvent(k, "job:succeeded", (e) => e.jobId === job.id);
  await k.stop();
  return job.id;
}

describe("kairos jobs show: attempts", () => {
  it("lists the attempts in a table, the error's first line only, and no job error", async () => {
    const file = path.join(tempDir(), "k.db");
    const id = await retriedJob(file);
    const { out, code } = await cli(file, ["jobs", "show", id]);
    expect(code).toBe(0);
    expect(out).toContainEqual(expect.stringMatching(/^error +-$/));
    const at = out.indexOf("attempts:");
    expect(at).toBeGreaterThan(0);
    expect(out[at + 1]).toMatch(/^ {2}ATTEMPT +WORKER +STARTED +DURATION +OUTCOME +ERROR$/);
    expect(out[at + 3]).toMatch(
      /^ {2}1 +w-cli +\d{4}-\d\d-\d\dT\S+Z +\d+(\.\d)? m?s +retrying +TypeError: first line$/,
    );
    expect(out[at + 4]).toMatch(/^ {2}2 +w-cli +\S+ +\d+(\.\d)? m?s +succeeded +-$/);
    expect(out.join("\n")).not.toContain("second line");
  });

  it("includes the attempts in --json", async () => {
    const file = path.join(tempDir(), "k.db");
    const id = await retriedJob(file);
    const { out } = await cli(file, ["jobs", "show", id, "--json"]);
    const shown = JSON.parse(out.join("\n")) as {
      error: unknown;
      attempts: { attempt: number; outcome: string; error: { message: string } | null }[];
    };
    expect(shown.error).toBeNull();
    expect(shown.attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, "retrying"],
      [2, "succeeded"],
    ]);
    expect(shown.attempts[0]!.error!.message).toBe("first line\nsecond line");
  });
});
