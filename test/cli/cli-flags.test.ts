/**
 * The CLI in process (runCli with a captured Io): payload files and stdin, flag validation
 * before the store is touched, what bad flags say, --version and the global options in help.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.js";
import type { Io } from "../../src/cli/output.js";
import { tempDir } from "../helpers/kairos.js";

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "1"]
`;

let dir: string;
let db: string;
let config: string;

beforeEach(() => {
  dir = tempDir();
  db = path.join(dir, "k.db");
  config = path.join(dir, "kairos.yaml");
  fs.writeFileSync(config, CONFIG);
});

/** Run `kairos --store sqlite:DB --config FILE ...args` in process. */
async function cli(args: string[], stdin?: string): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(stdin === undefined ? {} : { readStdin: () => stdin }),
  };
  const code = await runCli(["--store", `sqlite:${db}`, "--config", config, ...args], io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

async function enqueuedPayload(args: string[], stdin?: string): Promise<unknown> {
  expect((await cli(["apply"])).code).toBe(0);
  const r = await cli(["enqueue", "hello", ...args, "--json"], stdin);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { payload: unknown }).payload;
}

describe("enqueue --payload @file and --payload -", () => {
  it("reads the payload from a file named after @", async () => {
    const file = path.join(dir, "payload.json");
    fs.writeFileSync(file, JSON.stringify({ big: "x".repeat(100_000), n: 1 }));
    const payload = (await enqueuedPayload(["--payload", `@${file}`])) as { n: number };
    expect(payload.n).toBe(1);
  });

  it("reads the payload from stdin for -", async () => {
    expect(await enqueuedPayload(["--payload", "-"], '{"from":"stdin"}\n')).toEqual({
      from: "stdin",
    });
  });

  it("names a missing file and exits 2 without opening the store", async () => {
    const r = await cli(["enqueue", "hello", "--payload", "@nope.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json/);
    expect(r.stderr).toMatch(/no such file/i);
    expect(fs.existsSync(db)).toBe(false);
  });

  it("names the file and the line and column of bad JSON", async () => {
    const file = path.join(dir, "bad.json");
    fs.writeFileSync(file, '{\n  "a": 1,\n  oops\n}\n');
    const r = await cli(["enqueue", "hello", "--payload", `@${file}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: invalid JSON at line 3, column 3`);
  });

  it("says stdin and the position of bad JSON read from stdin", async () => {
    const r = await cli(["enqueue", "hello", "--payload", "-"], '{"a": }');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stdin: invalid JSON at line 1, column 7/);
  });
});

describe("flags are validated before the store is touched", () => {
  it.each([
    [["dev", "--for", "banana"], /--for "banana" is not a duration/],
    [["dev", "--drain", "soon"], /--drain "soon" is not a duration/],
    [["dev", "--concurrency", "0"], /--concurrency must be an integer from 1 to 1000, got "0"/],
    [["jobs", "list", "--limit", "abc"], /--limit must be an integer from 1 to 1000, got "abc"/],
    [["jobs", "list", "--limit", "5000"], /--limit must be an integer from 1 to 1000, got "5000"/],
    [["jobs", "list", "--state", "bogus"], /unknown state "bogus"; valid states: scheduled, /],
    [["enqueue", "hello", "--priority", "high"], /--priority must be an integer from/],
    [["enqueue", "hello", "--run-at", "tomorrow"], /--run-at must be an ISO-8601 instant/],
    [["enqueue", "hello", "--payload", "{bad"], /--payload: invalid JSON at line 1, column 2/],
    [["schedules", "show", "x", "--next", "-1"], /--next must be an integer from 0 to 1000/],
    [["schedules", "show", "x", "--history", "many"], /--history must be an integer from 1/],
    [["cron", "* * * * *", "--next", "1e9"], /--next must be an integer from 1 to 1000/],
  ])(
    "%j exits 2, says what it got and what is allowed, and creates no store",
    async (args, msg) => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/using store/);
      expect(fs.existsSync(db)).toBe(false);
    },
  );

  it("dev --for banana applies nothing", async () => {
    expect((await cli(["dev", "--for", "banana"])).code).toBe(2);
    expect(fs.existsSync(db)).toBe(false);
  });
});

describe("--version and help", () => {
  it("--version prints the package version", async () => {
    const pkg = JSON.parse(
      fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    const lines: string[] = [];
    const r = await runCli(["--version"], {
      out: (l) => lines.push(l),
      err: (l) => lines.push(l),
    });
    expect(r).toBe(0);
    expect(lines.join("\n").trim()).toBe(pkg.version);
  });

  it.each([["jobs", "list"], ["enqueue"], ["dev"], ["schedules", "show"], ["cron"]])(
    "%s --help shows the global --store and --config",
    async (...cmd) => {
      const out: string[] = [];
      const code = await runCli([...cmd, "--help"], { out: (l) => out.push(l), err: () => {} });
      expect(code).toBe(0);
      expect(out.join("\n")).toMatch(/--store <url>/);
      expect(out.join("\n")).toMatch(/--config <file>/);
    },
  );
});
