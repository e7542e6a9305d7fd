/**
 * Several real Kairos processes on one PostgreSQL database: work shared, each job run once,
 * each schedule slot fired once, leader takeover after SIGKILL, recovery of a killed worker.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { createKairos, type Kairos } from "../../src/index.js";
import { waitFor } from "../helpers/async.js";
import { tempDir } from "../helpers/kairos.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const fixture = fileURLToPath(new URL("../fixtures/pg-node.ts", import.meta.url));
const tsxLoader = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

interface NodeEvent {
  pid: number;
  at: number;
  event: string;
  schedule?: string;
  slotAt?: number;
}

interface Node {
  child: ChildProcess;
  events: NodeEvent[];
}

const nodes: Node[] = [];
const engines: Kairos[] = [];
afterEach(async () => {
  for (const n of nodes.splice(0)) if (n.child.exitCode === null) n.child.kill("SIGKILL");
  await Promise.all(engines.splice(0).map((k) => k.stop({ drainMs: 0 })));
});

function startNode(url: string, runsLog: string, concurrency = 20): Promise<Node> {
  const child = spawn(
    process.execPath,
    ["--import", tsxLoader, fixture, url, runsLog, String(concurrency)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const node: Node = { child, events: [] };
  nodes.push(node);
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const event = JSON.parse(line) as NodeEvent;
      node.events.push(event);
      if (event.event === "ready") resolve(node);
    });
    child.on("exit", (code, signal) => {
      if (signal !== "SIGKILL" && code !== 0) reject(new Error(`node exited ${code}: ${stderr}`));
    });
  });
}

async function engine(url: string): Promise<Kairos> {
  const k = await createKairos({ store: url });
  engines.push(k);
  return k;
}

async function query<T>(schema: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    return (await client.query(sql.replaceAll("$schema", `"${schema}"`))).rows as T[];
  } finally {
    await client.end();
  }
}

describePg("multi-process on PostgreSQL", () => {
  it("three processes work 20,000 jobs; each runs to success exactly once, and all three share the work", async () => {
    const schema = freshSchema();
    const url = `${pgUrl()}?schema=${schema}`;
    const runsLog = path.join(tempDir(), "runs.log");
    fs.writeFileSync(runsLog, "");
    const producer = await engine(url);
    for (let b = 0; b < 20; b++) {
      // The nodes start later: the function is not known yet.
      await producer.enqueueMany(
        "work",
        Array.from({ length: 1_000 }, (_, i) => ({ n: b * 1_000 + i })),
        { allowUnknown: true },
      );
    }
    await Promise.all([startNode(url, runsLog), startNode(url, runsLog), startNode(url, runsLog)]);
    await waitFor(
      async () =>
        Number(
          (
            await query<{ n: string }>(
              schema,
              "SELECT count(*) AS n FROM $schema.jobs WHERE state = 'succeeded'",
            )
          )[0]!.n,
        ) === 20_000,
      "20,000 jobs succeeded",
      240_000,
    );
    const runs = fs.readFileSync(runsLog, "utf8").trim().split("\n");
    expect(runs).toHaveLength(20_000); // no handler ran twice
    const perPid = new Map<string, number>();
    for (const pid of runs) perPid.set(pid, (perPid.get(pid) ?? 0) + 1);
    expect(perPid.size).toBe(3);
    const attempts = await query<{ attempt: number; n: string }>(
      schema,
      "SELECT attempt, count(*) AS n FROM $schema.jobs GROUP BY attempt",
    );
    expect(attempts).toEqual([{ attempt: 1, n: "20000" }]);
  }, 300_000);

  it("three processes, 100 schedules every second for 20 s: each slot fires exactly once", async () => {
    const schema = freshSchema();
    const url = `${pgUrl()}?schema=${schema}`;
    const runsLog = path.join(tempDir(), "runs.log");
    const admin = await engine(url);
    for (let i = 0; i < 100; i++) {
      await admin.schedules.create({
        allowUnknown: true,
        name: `s${i}`,
        fn: "tick",
        every: "1s",
        overlap: "allow_all",
        catchup: "all",
      });
    }
    const three = await Promise.all([
      startNode(url, runsLog),
      startNode(url, runsLog),
      startNode(url, runsLog),
    ]);
    // The window opens once a leader runs the scheduler, however long start-up took on a
    // loaded machine (slots before it fire by catch-up, but are not counted).
    await waitFor(
      () => three.some((n) => n.events.some((e) => e.event === "elected")),
      "a leader",
      30_000,
    );
    const windowStart = Date.now() + 1_000;
    await new Promise((r) => setTimeout(r, 20_000));
    const windowEnd = Date.now() - 2_000;
    const seconds = Math.floor(windowEnd / 1000) - Math.ceil(windowStart / 1000) + 1;
    const slotsIn = async () =>
      (
        await query<{ schedule_id: string; slot_at: string; n: string }>(
          schema,
          "SELECT origin_id AS schedule_id, origin_key AS slot_at, count(*) AS n FROM $schema.jobs WHERE origin_kind = 'schedule' AND origin_key IS NOT NULL GROUP BY origin_id, origin_key",
        )
      ).filter((r) => Number(r.slot_at) >= windowStart && Number(r.slot_at) <= windowEnd);
    // No slot missed: every slot of the window fires, late at worst on a loaded machine (an
    // awaited condition, not a duration).
    await waitFor(
      async () => (await slotsIn()).length >= 100 * seconds || null,
      "every slot of the window to fire",
      20_000,
    );
    const rows = await query<{ n: string }>(
      schema,
      "SELECT count(*) AS n FROM $schema.jobs WHERE origin_kind = 'schedule' AND origin_key IS NOT NULL GROUP BY origin_id, origin_key",
    );
    expect(rows.every((r) => r.n === "1")).toBe(true); // never two jobs for one slot
    expect((await slotsIn()).length).toBe(100 * seconds);
    const leaders = new Set(
      three.flatMap((n) => n.events.filter((e) => e.event === "elected").map((e) => e.pid)),
    );
    expect(leaders.size).toBe(1);
  }, 120_000);

  it("the leader is killed with SIGKILL: another process takes over within twice the lease, no slot duplicated or lost", async () => {
    const schema = freshSchema();
    const url = `${pgUrl()}?schema=${schema}`;
    const runsLog = path.join(tempDir(), "runs.log");
    const admin = await engine(url);
    for (let i = 0; i < 20; i++) {
      await admin.schedules.create({
        allowUnknown: true,
        name: `s${i}`,
        fn: "tick",
        every: "1s",
        overlap: "allow_all",
        catchup: "all",
      });
    }
    const three = await Promise.all([
      startNode(url, runsLog),
      startNode(url, runsLog),
      startNode(url, runsLog),
    ]);
    await waitFor(
      () => three.some((n) => n.events.some((e) => e.event === "elected")),
      "a leader",
      10_000,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const leader = three.find((n) => n.events.some((e) => e.event === "elected"))!;
    const killedAt = Date.now();
    leader.child.kill("SIGKILL");
    const others = three.filter((n) => n !== leader);
    await waitFor(
      () => others.some((n) => n.events.some((e) => e.event === "elected")),
      "takeover",
      10_000,
    );
    const takeover = others.flatMap((n) => n.events).find((e) => e.event === "elected")!;
    // Lease here = leader check interval 250 ms; the session dies with the process.
    expect(takeover.at - killedAt).toBeLessThan(2 * 1_000);
    await new Promise((r) => setTimeout(r, 4_000));
    const rows = await query<{ slot_at: string; n: string }>(
      schema,
      "SELECT slot_at, count(*) AS n FROM (SELECT origin_id AS schedule_id, origin_key::bigint AS slot_at FROM $schema.jobs WHERE origin_kind = 'schedule' AND origin_key IS NOT NULL) AS j GROUP BY schedule_id, slot_at",
    );
    expect(rows.every((r) => r.n === "1")).toBe(true);
    // catchup "all": the slots of the gap were caught up, none missed.
    const missed = await query<{ n: string }>(
      schema,
      "SELECT count(*) AS n FROM $schema.schedule_history WHERE kind = 'missed'",
    );
    expect(missed[0]!.n).toBe("0");
    const perSchedule = await query<{ n: string; lo: string; hi: string }>(
      schema,
      "SELECT count(*) AS n, min(slot_at) AS lo, max(slot_at) AS hi FROM (SELECT origin_id AS schedule_id, origin_key::bigint AS slot_at FROM $schema.jobs WHERE origin_kind = 'schedule' AND origin_key IS NOT NULL) AS j GROUP BY schedule_id",
    );
    for (const s of perSchedule)
      expect(Number(s.n)).toBe((Number(s.hi) - Number(s.lo)) / 1_000 + 1);
  }, 120_000);

  it("a worker killed mid-job has its jobs recovered by the others", async () => {
    const schema = freshSchema();
    const url = `${pgUrl()}?schema=${schema}`;
    const runsLog = path.join(tempDir(), "runs.log");
    fs.writeFileSync(runsLog, "");
    const producer = await engine(url);
    const victim = await startNode(url, runsLog, 10);
    await producer.enqueueMany(
      "work",
      Array.from({ length: 10 }, () => ({ ms: 60_000 })),
    );
    await waitFor(
      async () =>
        Number(
          (
            await query<{ n: string }>(
              schema,
              "SELECT count(*) AS n FROM $schema.jobs WHERE state = 'running'",
            )
          )[0]!.n,
        ) === 10,
      "victim runs 10 long jobs",
      20_000,
    );
    victim.child.kill("SIGKILL");
    // A survivor with short jobs: the recovered jobs must retry there.
    await query(schema, "UPDATE $schema.jobs SET payload = '{\"ms\":10}'");
    await startNode(url, runsLog, 10);
    await waitFor(
      async () =>
        Number(
          (
            await query<{ n: string }>(
              schema,
              "SELECT count(*) AS n FROM $schema.jobs WHERE state = 'succeeded'",
            )
          )[0]!.n,
        ) === 10,
      "10 recovered and succeeded",
      30_000,
    );
    const attempts = await query<{ attempt: number }>(
      schema,
      "SELECT DISTINCT attempt FROM $schema.jobs",
    );
    expect(attempts).toEqual([{ attempt: 2 }]);
  }, 90_000);
});
