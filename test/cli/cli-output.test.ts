/**
 * What the CLI prints, in process: bounded logs in `jobs show`, a bounded error tail in `kairos
 * dev`'s lines, local timestamps with their zone, plurals, durations, the config file a store
 * came from, and multi-line errors as one block.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { Io } from "../../src/cli/output.js";
import { watchEngine } from "../../src/cli/dev/watch.js";
import { nextEvent } from "../helpers/async.js";
import { fileKairos, memoryKairos, tempDir } from "../helpers/kairos.js";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let db: string;

beforeEach(() => {
  dir = tempDir();
  db = path.join(dir, "k.db");
});

function capture(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

async function cli(args: string[]): Promise<Captured> {
  const io = capture();
  const code = await runCli(args, io);
  return { code, stdout: io.lines.join("\n"), stderr: io.errors.join("\n") };
}

/** A finished job of `chatty` that logged `count` lines ("line 0" ...). */
async function chattyJob(count: number): Promise<string> {
  const k = await fileKairos(db);
  k.define("chatty", (_p, ctx) => {
    for (let i = 0; i < count; i++) ctx.log(`line ${i}`);
    return null;
  });
  const done = nextEvent(k, "job:succeeded");
  const job = await k.enqueue("chatty", {});
  await k.start({ concurrency: 1 });
  await done;
  await k.stop({ drainMs: 1_000 });
  return job.id;
}

describe("jobs show prints a bounded log", () => {
  it("shows the last 100 lines by default and says how many were left out", async () => {
    const id = await chattyJob(250);
    const r = await cli(["--store", `sqlite:${db}`, "jobs", "show", id]);
    expect(r.code, r.stderr).toBe(0);
    const logLines = r.stdout.split("\n").filter((l) => / line \d+$/.test(l));
    expect(logLines).toHaveLength(100);
    expect(logLines[0]).toMatch(/ line 150$/);
    expect(logLines[99]).toMatch(/ line 249$/);
    expect(r.stdout).toMatch(/150 earlier lines not shown \(--logs all shows every line\)/);
  });

  it("--logs all shows every line, --logs N the last N", async () => {
    const id = await chattyJob(250);
    const all = await cli(["--store", `sqlite:${db}`, "jobs", "show", id, "--logs", "all"]);
    expect(all.stdout.split("\n").filter((l) => / line \d+$/.test(l))).toHaveLength(250);
    expect(all.stdout).not.toMatch(/not shown/);
    const five = await cli(["--store", `sqlite:${db}`, "jobs", "show", id, "--logs", "5"]);
    const lines = five.stdout.split("\n").filter((l) => / line \d+$/.test(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/ line 245$/);
    const json = await cli(["--store", `sqlite:${db}`, "jobs", "show", id, "--json"]);
    const shown = JSON.parse(json.stdout) as { logs: unknown[]; logsOmitted: number };
    expect(shown.logs).toHaveLength(100);
    expect(shown.logsOmitted).toBe(150);
  });

  it("--logs rejects anything but all or a count", async () => {
    const r = await cli(["--store", `sqlite:${db}`, "jobs", "show", "1", "--logs", "lots"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--logs must be "all" or an integer from 0 to 100000, got "lots"/);
  });
});

describe("jobs show bounds a long error and a large payload too", () => {
  it("prints the first and last lines of a 300-line error, everything with --logs all", async () => {
    const k = await fileKairos(db);
    const message = Array.from({ length: 300 }, (_, i) => `e${i}`).join("\n");
    k.define(
      "noisy",
      () => {
        throw new Error(message);
      },
      { maxAttempts: 1 },
    );
    const failed = nextEvent(k, "job:failed");
    const job = await k.enqueue("noisy", { blob: "x".repeat(50_000) });
    await k.start({ concurrency: 1 });
    await failed;
    await k.stop({ drainMs: 1_000 });

    const r = await cli(["--store", `sqlite:${db}`, "jobs", "show", job.id]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n").length).toBeLessThan(60);
    expect(r.stdout.length).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/more lines \(--logs all shows everything\)/);
    expect(r.stdout).toMatch(/^ +e299$/m);
    expect(r.stdout).not.toMatch(/^ +e150$/m);
    const all = await cli(["--store", `sqlite:${db}`, "jobs", "show", job.id, "--logs", "all"]);
    expect(all.stdout).toMatch(/^e150$/m);
    expect(all.stdout).toContain("x".repeat(50_000));
  });
});

describe("kairos dev's lines", () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  async function printedFailure(lines: number): Promise<{ text: string; jobId: string }> {
    const k = await memoryKairos();
    const io = capture();
    watchEngine(k, io);
    const message = Array.from({ length: lines }, (_, i) => `err ${i}`).join("\n");
    k.define(
      "noisy",
      () => {
        throw new Error(message);
      },
      { maxAttempts: 2, backoff: { type: "fixed", delayMs: 1 } },
    );
    const failed = nextEvent(k, "job:failed");
    const job = await k.enqueue("noisy", {});
    await k.start();
    await failed;
    return { text: io.lines.join("\n"), jobId: job.id };
  }

  it("print the first and last lines of a long error, with where to see the rest", async () => {
    // About the size of a command's error: its last 1 KiB of stderr.
    const { text, jobId } = await printedFailure(200);
    const retrying = text.slice(
      text.indexOf("retrying"),
      text.indexOf("\n", text.indexOf("failed")),
    );
    expect(retrying.split("\n").length).toBeLessThanOrEqual(14);
    expect(text).toMatch(/retrying +noisy job \d+: err 0\n/);
    expect(text).toContain(
      `\n    ... 189 more lines (see \`kairos jobs show ${jobId} --logs all\`)\n`,
    );
    expect(text).toMatch(/\n {4}err 190\n[\s\S]*\n {4}err 199\n/);
    expect(text).not.toMatch(/err 189\n/);
  });

  it("stay bounded for a 20,000-line error on every attempt", async () => {
    const { text } = await printedFailure(20_000);
    expect(text.split("\n").length).toBeLessThan(40);
    expect(text.length).toBeLessThan(10_000);
  });

  it("stamp local time (the start line names the zone)", async () => {
    process.env.TZ = "Asia/Kolkata"; // UTC+05:30, no daylight saving time
    const k = await memoryKairos();
    const io = capture();
    watchEngine(k, io);
    k.define("ok", () => null);
    const started = nextEvent(k, "job:started");
    await k.enqueue("ok", {});
    await k.start();
    const e = await started;
    const local = new Date(e.at + 5.5 * 3_600_000).toISOString().slice(11, 23);
    expect(io.lines.find((l) => l.includes("started"))).toMatch(new RegExp(`^${local} started`));
  });

  it("say 1 function, not 1 functions, and which zone the times are in", async () => {
    process.env.TZ = "Asia/Kolkata";
    fs.writeFileSync(
      path.join(dir, "kairos.yaml"),
      'functions:\n  - name: a\n    kind: command\n    command: ["true"]\n',
    );
    const r = await cli([
      "--store",
      `sqlite:${db}`,
      "--config",
      path.join(dir, "kairos.yaml"),
      "dev",
      "--for",
      "1ms",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /kairos dev: running 1 function, 0 schedules; times are local \(UTC\+05:30\)/,
    );
    expect(r.stdout).toMatch(/draining \(up to 10s[;)]/);
  });
});

describe("cosmetics", () => {
  it("schedules list says every 5s, not every 5000 ms", async () => {
    const config = path.join(dir, "kairos.yaml");
    fs.writeFileSync(
      config,
      'functions:\n  - name: a\n    kind: command\n    command: ["true"]\n    schedules:\n      - { name: s, every: 90s }\n',
    );
    const store = `sqlite:${db}`;
    expect((await cli(["--store", store, "--config", config, "apply"])).code).toBe(0);
    const r = await cli(["--store", store, "schedules", "list"]);
    expect(r.stdout).toMatch(/every 1m30s/);
  });

  it("names the config file a store came from", async () => {
    const config = path.join(dir, "kairos-b.yaml");
    fs.writeFileSync(config, `store: sqlite:${db}\nfunctions: []\n`);
    const r = await cli(["--config", config, "apply"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\(from [^)]*kairos-b\.yaml\)/);
  });

  it("prints a multi-line error as one block: prefix once, continuation lines indented", async () => {
    const config = path.join(dir, "kairos.yaml");
    fs.writeFileSync(config, "stor: x\nretention: forever-ish\nfunctions: []\n");
    const r = await cli(["--store", `sqlite:${db}`, "--config", config, "apply"]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split("\n").filter((l) => l.includes("kairos.yaml:"));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^kairos: \S*kairos\.yaml:1:1: /);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}\S*kairos\.yaml:\d+:\d+: /);
  });
});
