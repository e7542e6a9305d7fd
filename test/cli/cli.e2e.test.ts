/**
 * The CLI end to end: real `kairos` processes in a temp directory with a kairos.yaml.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { LOCAL, kairosArgv, runKairos as kairos, remoteMode, startKairos } from "../helpers/cli.js";

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "console.log('hello', process.env.KAIROS_JOB_ID)"]
    timeout: 10s
    schedules:
      - name: every-second
        every: 1s
        payload: { b: 2, a: 1 }
      - name: nightly
        cron: "0 3 * * *"
        timezone: Europe/Paris
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

// Each CLI process takes 1-3 s, and up to 10 s on a loaded 2-core machine: tests running a
// dozen of them get minutes, not vitest's default 30 s.
describe("kairos CLI", { timeout: 180_000 }, () => {
  it("cron explains an expression and prints next fires as JSON", async () => {
    const r = await kairos(dir, [
      "cron",
      "30 2 * * *",
      "--tz",
      "America/New_York",
      "--from",
      "2026-03-07T12:00:00Z",
      "--next",
      "2",
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      expression: "30 2 * * *",
      timezone: "America/New_York",
      // 2026-03-08 02:30 does not exist in New York (spring forward): it fires at 03:00 EDT.
      next: ["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"],
    });
    const human = await kairos(dir, ["cron", "*/15 9-17 * * 1-5"]);
    expect(human.code).toBe(0);
    expect(human.stdout.toLowerCase()).toContain("every 15 minutes");
  });

  it("rejects a bad cron with exit code 2 and says which field", async () => {
    const r = await kairos(dir, ["cron", "61 * * * *"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/minute/);
  });

  it("apply prints a plan, applies it, and a second apply reports everything unchanged", async () => {
    const dry = await kairos(dir, ["apply", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/create schedule every-second/);
    expect(dry.stderr).toMatch(
      remoteMode
        ? /using server http:\S+ \(from --server\)/
        : /using store sqlite:\.kairos\/kairos\.db \(from default\)/,
    );
    const listAfterDry = await kairos(dir, ["schedules", "list", "--json"]);
    expect(JSON.parse(listAfterDry.stdout)).toEqual([]);

    const first = await kairos(dir, ["apply"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Plan: 3 to create/);
    const second = await kairos(dir, ["apply"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Plan: 0 to create, 0 to update, 3 unchanged/);

    fs.writeFileSync(
      path.join(dir, "kairos.yaml"),
      CONFIG.replace(/ {6}- name: nightly[\s\S]*$/, ""),
    );
    const keep = await kairos(dir, ["apply"]);
    expect(keep.stdout).toMatch(/would prune schedule nightly/);
    const prune = await kairos(dir, ["apply", "--prune"]);
    expect(prune.stdout).toMatch(/prune schedule nightly/);
    const list = JSON.parse((await kairos(dir, ["schedules", "list", "--json"])).stdout) as {
      name: string;
    }[];
    expect(list.map((s) => s.name)).toEqual(["every-second"]);
  });

  it("schedules show lists next fires; pause, resume, trigger; jobs list/show/cancel; enqueue", async () => {
    await kairos(dir, ["apply"]);
    const show = JSON.parse(
      (await kairos(dir, ["schedules", "show", "nightly", "--next", "3", "--json"])).stdout,
    ) as {
      next: string[];
    };
    expect(show.next).toHaveLength(3);
    for (const n of show.next) expect(n).toMatch(/T0[12]:00:00\.000Z$/); // 03:00 Paris = 01:00 or 02:00 UTC

    expect(
      (await kairos(dir, ["schedules", "pause", "nightly", "--note", "maintenance"])).code,
    ).toBe(0);
    const paused = JSON.parse(
      (await kairos(dir, ["schedules", "show", "nightly", "--json"])).stdout,
    ) as {
      enabled: boolean;
      pauseNote: string;
    };
    expect(paused).toMatchObject({ enabled: false, pauseNote: "maintenance" });
    expect((await kairos(dir, ["schedules", "resume", "nightly"])).code).toBe(0);

    const trig = JSON.parse(
      (await kairos(dir, ["schedules", "trigger", "nightly", "--json"])).stdout,
    ) as { id: string };
    const enq = JSON.parse(
      (await kairos(dir, ["enqueue", "hello", "--payload", '{"x":1}', "--json"])).stdout,
    ) as {
      id: string;
      state: string;
    };
    expect(enq.state).toBe("queued");
    const jobs = JSON.parse((await kairos(dir, ["jobs", "list", "--json"])).stdout) as {
      id: string;
    }[];
    expect(jobs.map((j) => j.id)).toEqual([enq.id, trig.id]);
    const found = JSON.parse(
      (await kairos(dir, ["jobs", "list", "--search", enq.id, "--json"])).stdout,
    ) as { id: string }[];
    expect(found.map((j) => j.id)).toEqual([enq.id]);
    const shown = JSON.parse((await kairos(dir, ["jobs", "show", enq.id, "--json"])).stdout) as {
      payload: unknown;
      origin: unknown;
    };
    expect(shown.payload).toEqual({ x: 1 });
    expect(shown.origin).toEqual({ kind: "api", id: null, key: null });
    expect((await kairos(dir, ["jobs", "show", trig.id])).stdout).toMatch(
      /^origin +schedule \d+ \(manual\)$/m,
    );
    const cancel = await kairos(dir, ["jobs", "cancel", enq.id]);
    expect(cancel.stdout).toMatch(/cancelled/);
    expect((await kairos(dir, ["jobs", "show", "999999"])).code).toBe(3);
    expect((await kairos(dir, ["schedules", "show", "nope"])).code).toBe(3);
    expect((await kairos(dir, ["enqueue", "hello", "--payload", "{bad"])).code).toBe(2);
  });

  // Choosing a local store: always local (a server has its own store).
  it("chooses the store by --store over KAIROS_STORE over kairos.yaml over the default", async () => {
    fs.writeFileSync(path.join(dir, "kairos.yaml"), `store: sqlite:from-yaml.db\n${CONFIG}`);
    const yaml = await kairos(dir, ["jobs", "list"], LOCAL);
    expect(yaml.stderr).toMatch(/sqlite:from-yaml\.db \(from kairos\.yaml\)/);
    const env = await kairos(dir, ["jobs", "list"], {
      ...LOCAL,
      KAIROS_STORE: "sqlite:from-env.db",
    });
    expect(env.stderr).toMatch(/sqlite:from-env\.db \(from KAIROS_STORE\)/);
    const flag = await kairos(dir, ["--store", "sqlite:from-flag.db", "jobs", "list"], {
      ...LOCAL,
      KAIROS_STORE: "sqlite:from-env.db",
    });
    expect(flag.stderr).toMatch(/sqlite:from-flag\.db \(from --store\)/);
  });

  it("a config error names file:line:column and exits 2", async () => {
    fs.writeFileSync(
      path.join(dir, "kairos.yaml"),
      CONFIG.replace('cron: "0 3 * * *"', 'cron: "0 3 * * * * *"'),
    );
    const r = await kairos(dir, ["apply"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kairos\.yaml:\d+:\d+/);
  });

  it("dev applies the file, fires schedules, runs jobs, and drains on Ctrl-C; other commands work meanwhile", async () => {
    // No --for: each step waits for what it needs, however slow the machine is.
    const dev = startKairos(dir, ["dev"]);
    let id = "";
    try {
      await dev.waitForOutput(/kairos dev: running 1 function, 2 schedules/);
      await dev.waitForOutput(/fired\s+every-second/);
      // While dev runs, other processes use the same store file.
      const during = await kairos(dir, ["schedules", "list", "--json"]);
      expect(during.code).toBe(0);
      const listed = JSON.parse(during.stdout) as { name: string; runCount: number }[];
      expect(listed.find((s) => s.name === "every-second")!.runCount).toBeGreaterThanOrEqual(1);
      const enqueued = await kairos(dir, [
        "enqueue",
        "hello",
        "--payload",
        '{"from":"cli"}',
        "--json",
      ]);
      expect(enqueued.code).toBe(0);
      id = (JSON.parse(enqueued.stdout) as { id: string }).id;
      // The job enqueued by the other process.
      await dev.waitForOutput(new RegExp(`succeeded hello job ${id} `));
    } finally {
      dev.child.kill("SIGINT");
    }
    const r = await dev.exited;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/draining/);
    expect(r.stdout).toMatch(/kairos dev: stopped/);
    const jobs = JSON.parse(
      (await kairos(dir, ["jobs", "list", "--state", "succeeded", "--json"])).stdout,
    ) as { id: string }[];
    expect(jobs.map((j) => j.id)).toContain(id);
  });

  it("enqueue --payload - reads the payload from the process's stdin", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const child = spawn(
      process.execPath,
      kairosArgv(["enqueue", "hello", "--payload", "-", "--json"]),
      { cwd: dir, env: { ...process.env, KAIROS_STORE: "" }, stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdin.end(JSON.stringify({ rows: Array.from({ length: 5_000 }, (_, i) => i) }));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    const job = JSON.parse(stdout) as { payload: { rows: number[] } };
    expect(job.payload.rows).toHaveLength(5_000);
  });

  it("--help has examples on every command", async () => {
    for (const cmd of [
      ["dev"],
      ["apply"],
      ["cron"],
      ["enqueue"],
      ["schedules", "show"],
      ["jobs", "list"],
    ]) {
      const r = await kairos(dir, [...cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:/);
    }
  });
});
