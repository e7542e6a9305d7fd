/**
 * The workflow CLI end to end: real `kairos` processes on an SQLite file store, with a
 * kairos.yaml declaring functions and workflows. Runs are created but (outside `kairos dev`)
 * never executed: no worker runs in these commands.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { runKairos as kairos, startKairos } from "../helpers/cli.js";

const CONFIG = `
functions:
  - name: ok
    kind: command
    command: ["node", "-e", "console.log('ok')"]
    timeout: 10s
workflows:
  - name: etl
    schedule: { every: 1h }
    startDate: "2026-01-01"
    params: { full: false }
    tasks:
      - { id: extract, fn: ok }
      - id: load
        fn: ok
        dependsOn: [extract]
  - name: adhoc
    tasks:
      - { id: only, fn: ok }
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  write(CONFIG);
});

function write(yaml: string): void {
  fs.writeFileSync(path.join(dir, "kairos.yaml"), yaml);
}

async function ok(args: string[]): Promise<string> {
  const r = await kairos(dir, args);
  expect(r.stderr).not.toMatch(/kairos: (?!using (store|server) )/);
  expect(r.code).toBe(0);
  return r.stdout;
}

async function json<T>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, "--json"])) as T;
}

/** A failed command: its exit code and its stderr without the store line. */
async function fails(args: string[]): Promise<{ code: number; message: string }> {
  const r = await kairos(dir, args);
  expect(r.code).not.toBe(0);
  return { code: r.code, message: r.stderr.replace(/^kairos: using (store|server) .*\n/m, "") };
}

interface Run {
  id: string;
  workflow: string;
  logicalDate: string;
  state: string;
  runType: string;
  note: string | null;
  tasks?: { taskId: string; state: string; note: string | null }[];
}

// Each CLI process takes 1-3 s, up to 10 s on a loaded machine: minutes per test, not 30 s.
describe("kairos workflows and runs", { timeout: 240_000 }, () => {
  it("apply plans workflows, then reports them unchanged, shows a task's field diff, prunes only with --prune", async () => {
    const first = await ok(["apply"]);
    expect(first).toMatch(/\+ create workflow etl/);
    expect(first).toMatch(/\+ create workflow adhoc/);
    expect(await ok(["apply"])).toMatch(/= unchanged workflow etl[\s\S]*3 unchanged/);

    write(CONFIG.replace("dependsOn: [extract]", "dependsOn: [extract]\n        retries: 2"));
    expect(await ok(["apply"])).toMatch(/~ update workflow etl: tasks\.load\.retries 0 -> 2/);

    write(CONFIG.replace(/ {2}- name: adhoc[\s\S]*$/, ""));
    expect(await ok(["apply"])).toMatch(/would prune workflow adhoc \(run with --prune/);
    expect((await json<{ name: string }[]>(["workflows", "list"])).map((w) => w.name)).toContain(
      "adhoc",
    );
    expect(await ok(["apply", "--prune"])).toMatch(/- prune workflow adhoc/);
    expect((await json<{ name: string }[]>(["workflows", "list"])).map((w) => w.name)).toEqual([
      "etl",
    ]);
  });

  it("workflows list, show, trigger, pause, resume, with and without --json", async () => {
    await ok(["apply"]);
    expect(await ok(["workflows", "list"])).toMatch(/etl +2 +every 1h +no/);
    const show = await ok(["workflows", "show", "etl"]);
    expect(show).toMatch(/workflow etl \(config\)/);
    expect(show).toMatch(/load +ok +extract +all_success/);

    const run = await json<Run>([
      "workflows",
      "trigger",
      "adhoc",
      "--logical-date",
      "2026-12-01T00:00:00Z",
      "--note",
      "by hand",
    ]);
    expect(run).toMatchObject({ workflow: "adhoc", runType: "manual", note: "by hand" });
    expect(run.logicalDate).toBe("2026-12-01T00:00:00.000Z");
    expect(await ok(["workflows", "trigger", "etl", "--params", '{"full":true}'])).toMatch(
      /created run \d+ of etl for \S+ \((queued|running)\)\n {2}follow it: kairos runs show \d+/,
    );

    expect(await ok(["workflows", "pause", "etl", "--note", "maintenance"])).toMatch(
      /paused workflow etl/,
    );
    const paused = await json<{ paused: boolean; pauseNote: string; runs: Run[] }>([
      "workflows",
      "show",
      "etl",
    ]);
    expect(paused).toMatchObject({ paused: true, pauseNote: "maintenance" });
    expect(paused.runs.length).toBeGreaterThan(0);
    expect(await ok(["workflows", "list"])).toMatch(/yes \(maintenance\)/);
    expect((await json<{ paused: boolean }>(["workflows", "resume", "etl"])).paused).toBe(false);
  });

  it("backfill prints its progress on stderr, creates one run per interval, never a second for a logical date", async () => {
    await ok(["apply"]);
    const range = ["--from", "2026-11-30T00:00:00Z", "--to", "2026-11-30T03:00:00Z"];
    const first = await kairos(dir, ["workflows", "backfill", "etl", ...range]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/backfill etl: 4\/4 intervals \(4 created, 0 already had a run\)/);
    expect(first.stdout).toMatch(/backfill etl: 4 runs created, 0 intervals already had a run/);
    const again = await json<{ created: number; existing: number }>([
      "workflows",
      "backfill",
      "etl",
      "--from",
      "2026-11-30T02:00:00Z",
      "--to",
      "2026-11-30T04:00:00Z",
    ]);
    expect(again).toMatchObject({ created: 1, existing: 2 });
    const runs = await json<Run[]>(["runs", "list", "--workflow", "etl"]);
    const dates = runs.filter((r) => r.runType === "backfill").map((r) => r.logicalDate);
    expect(dates.sort()).toEqual([
      "2026-11-30T00:00:00.000Z",
      "2026-11-30T01:00:00.000Z",
      "2026-11-30T02:00:00.000Z",
      "2026-11-30T03:00:00.000Z",
      "2026-11-30T04:00:00.000Z",
    ]);
  });

  it("runs list, show, why, note, mark, clear, cancel, with and without --json", async () => {
    await ok(["apply"]);
    const run = await json<Run>(["workflows", "trigger", "etl"]);
    expect(await ok(["runs", "list"])).toMatch(new RegExp(`${run.id} +etl +\\S+ +running +manual`));
    expect((await json<Run[]>(["runs", "list", "--state", "running"])).map((r) => r.id)).toEqual([
      run.id,
    ]);
    expect(await json<Run[]>(["runs", "list", "--state", "success"])).toEqual([]);

    const show = await ok(["runs", "show", run.id]);
    expect(show).toMatch(new RegExp(`run ${run.id} of etl: running \\(manual\\)`));
    expect(show).toMatch(/1 └─ ○ queued +extract\n2 └─ · none +load {2}← extract/);
    expect(show).not.toContain("\u001b["); // not a terminal: no colour
    expect((await json<Run>(["runs", "show", run.id])).tasks?.map((t) => t.taskId)).toEqual([
      "extract",
      "load",
    ]);

    const why = await ok(["runs", "why", run.id, "load"]);
    expect(why).toMatch(/load \(none\): it waits for upstream extract \(queued\)/);
    expect(why.split("\n").filter((l) => l.includes("waits for upstream"))).toHaveLength(1);
    expect(await json<{ state: string }>(["runs", "why", run.id, "load"])).toMatchObject({
      state: "none",
    });

    expect(await ok(["runs", "note", run.id, "looking"])).toMatch(/note set/);
    await ok(["runs", "note", run.id, "slow source", "--task", "extract"]);
    const noted = await json<Run>(["runs", "show", run.id]);
    expect(noted.note).toBe("looking");
    expect(noted.tasks?.find((t) => t.taskId === "extract")?.note).toBe("slow source");

    expect(await ok(["runs", "mark", run.id, "extract", "--state", "success"])).toMatch(
      /extract marked success; run is running/,
    );
    const marked = await json<Run>(["runs", "show", run.id]);
    expect(marked.tasks?.find((t) => t.taskId === "extract")?.state).toBe("success");

    const cleared = await json<Run>(["runs", "clear", run.id, "--task", "extract", "--downstream"]);
    expect(cleared.state).toBe("running");
    expect(await ok(["runs", "cancel", run.id, "--note", "stop"])).toMatch(
      new RegExp(`run ${run.id}: failed`),
    );
    expect(await json<Run>(["runs", "show", run.id])).toMatchObject({
      state: "failed",
      note: "stop",
    });
  });

  it("unknown workflow, run and task ids say what was not found and where to look", async () => {
    await ok(["apply"]);
    const run = await json<Run>(["workflows", "trigger", "etl"]);
    for (const args of [
      ["workflows", "show", "nope"],
      ["workflows", "trigger", "nope"],
      ["workflows", "pause", "nope"],
      ["workflows", "backfill", "nope", "--from", "2026-01-01", "--to", "2026-01-02"],
      ["runs", "list", "--workflow", "nope"],
    ]) {
      const f = await fails(args);
      expect(f.code).toBe(3);
      expect(f.message).toMatch(/no workflow named "nope"/);
      expect(f.message).toMatch(/kairos workflows list/);
    }
    for (const args of [
      ["runs", "show", "999"],
      ["runs", "why", "999", "load"],
      ["runs", "cancel", "999"],
      ["runs", "clear", "999", "--task", "load"],
    ]) {
      const f = await fails(args);
      expect(f.code).toBe(3);
      expect(f.message).toMatch(/no workflow run with id 999/);
      expect(f.message).toMatch(/kairos runs list/);
    }
    for (const args of [
      ["runs", "why", run.id, "nope"],
      ["runs", "mark", run.id, "nope", "--state", "success"],
      ["runs", "clear", run.id, "--task", "nope"],
      ["runs", "note", run.id, "x", "--task", "nope"],
    ]) {
      const f = await fails(args);
      expect(f.code).toBe(3);
      expect(f.message).toMatch(/"nope"/);
      expect(f.message).toMatch(/extract, load/);
    }
  });

  it("bad --params, --state and dates say what was wrong and how to write them", async () => {
    await ok(["apply"]);
    const notJson = await fails(["workflows", "trigger", "etl", "--params", "full"]);
    expect(notJson.code).toBe(2);
    expect(notJson.message).toMatch(/--params: invalid JSON/);
    const array = await fails(["workflows", "trigger", "etl", "--params", "[1]"]);
    expect(array.message).toMatch(/--params must be a JSON object, got \[1\]/);
    expect(array.message).toMatch(/--params '\{"full":true\}'/);
    const backfillArray = await fails([
      "workflows",
      "backfill",
      "etl",
      "--from",
      "2026-01-01",
      "--to",
      "2026-01-02",
      "--params",
      "[1]",
    ]);
    expect(backfillArray.message).toMatch(/--params must be a JSON object/);
    const type = await fails(["workflows", "trigger", "etl", "--params", '{"full":1}']);
    expect(type.message).toMatch(/param "full" must be a boolean like its default false/);
    const unknown = await fails(["workflows", "trigger", "etl", "--params", '{"x":1}']);
    expect(unknown.message).toMatch(/unknown param "x".*declares full/);

    const state = await fails(["runs", "list", "--state", "done"]);
    expect(state.code).toBe(2);
    expect(state.message).toMatch(
      /--state must be one of queued, running, success, failed, stopped/,
    );
    const run = await json<Run>(["workflows", "trigger", "adhoc"]);
    const mark = await fails(["runs", "mark", run.id, "only", "--state", "ok"]);
    expect(mark.message).toMatch(/--state must be success, failed or skipped; got "ok"/);

    const order = await fails([
      "workflows",
      "backfill",
      "etl",
      "--from",
      "2026-02-01",
      "--to",
      "2026-01-01",
    ]);
    expect(order.code).toBe(2);
    expect(order.message).toMatch(/--to \(2026-01-01T00:00:00\.000Z\) is before --from/);
    expect(order.message).toMatch(/swap/);
  });

  it("a workflow with a cycle, an unknown dependency or an unknown function fails apply with file:line, exit 2", async () => {
    write(`
functions:
  - name: ok
    kind: command
    command: ["node", "-e", "1"]
workflows:
  - name: etl
    tasks:
      - { id: a, fn: ok, dependsOn: [b] }
      - { id: b, fn: ok, dependsOn: [a] }
      - { id: c, fn: ok, dependsOn: [zz] }
`);
    const graph = await fails(["apply"]);
    expect(graph.code).toBe(2);
    expect(graph.message).toMatch(/kairos\.yaml:10:\d+: .*dependency cycle: a -> b -> a/);
    expect(graph.message).toMatch(/kairos\.yaml:11:\d+: .*depends on unknown task "zz"/);
    write(`
functions:
  - name: ok
    kind: command
    command: ["node", "-e", "1"]
workflows:
  - name: etl
    tasks:
      - { id: a, fn: nofn }
`);
    const fn = await fails(["apply"]);
    expect(fn.code).toBe(2);
    expect(fn.message).toMatch(
      /kairos\.yaml:9:\d+: .*unknown function "nofn"[\s\S]*--allow-unknown/,
    );
    expect((await kairos(dir, ["workflows", "list", "--json"])).stdout).not.toMatch(/etl/);
  });

  it("kairos dev runs a workflow on its schedule and prints its runs and task jobs", async () => {
    write(`
functions:
  - name: ok
    kind: command
    command: ["node", "-e", "console.log('ok')"]
workflows:
  - name: tick
    schedule: { every: 1s }
    maxActiveRuns: 1
    tasks:
      - { id: first, fn: ok }
      - { id: second, fn: ok, dependsOn: [first] }
`);
    const dev = startKairos(dir, ["dev"]);
    try {
      await dev.waitForOutput(/run +tick run (\d+) success in/);
      const out = dev.stdout();
      const id = /run +tick run (\d+) success in/.exec(out)?.[1] ?? "";
      expect(out).toMatch(new RegExp(`run +tick run ${id} created for \\S+Z`));
      expect(out).toMatch(new RegExp(`started +ok job \\d+ \\[tick run ${id} task first try 1\\]`));
      expect(out).toMatch(
        new RegExp(`succeeded ok job \\d+ \\[tick run ${id} task second try 1\\] in \\d+ ms`),
      );
    } finally {
      dev.child.kill("SIGINT");
      await dev.exited;
    }
    const runs = await json<Run[]>(["runs", "list", "--workflow", "tick", "--state", "success"]);
    expect(runs.length).toBeGreaterThan(0);
  });
});
