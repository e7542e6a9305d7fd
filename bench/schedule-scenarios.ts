/**
 * @module bench/schedule-scenarios
 * The schedule-firing scenarios (`sched-1k`, `sched-10k`, `sched-100k`): how late a cron slot's
 * job starts, and what a fire costs, with N enabled schedules in the store. Each runs in its own
 * child process on a fresh SQLite file:
 *
 * 1. Setup (timed): `createKairos`, a no-op function `tick` (`maxAttempts: 1`), then N
 *    `kairos.schedules.create` calls. Schedule i has cron `${i % 60} * * * * *` (second i % 60
 *    of every minute, UTC) and `overlap: "allow_all"`, so the N schedules are spread evenly
 *    over the minute: N / 60 slots fall due at each whole second. Creating 100,000 this way
 *    takes about 16 s (0.16 ms per create, one transaction each), which is acceptable, so the
 *    bench uses the public API for every N rather than a bulk `applyPlan`.
 *    The schedules of the seconds that passed while the others were being created would start
 *    the run with a catch-up burst (catch-up policy `latest`). That is warm-up, not steady
 *    state, so before starting, every schedule whose next slot is already (nearly) due is moved
 *    to its following slot in one `scheduleStore.applyPlan` transaction (`update_schedule` with
 *    a cursor from `nextSlotAfter`), repeated until none is left; `schedulesChanged()` follows.
 * 2. `kairos.start({ concurrency: 100 })`, with the engine's default pre-fire lead (the
 *    schedules are `allow_all`), or the one `KAIROS_BENCH_PREFIRE_MS` names (0: off). The window is the slots in [W, W + window), where W
 *    is the first whole second at least 2 s after start (warm-up excluded) and the window is
 *    60 s (every schedule fires once) or 20 s with --quick.
 * 3. Fire lag = `job:started` `at` minus the job's slot (`schedule:fired` maps jobId -> slotAt),
 *    for every slot of the window. The fired part (`schedule:fired` seen minus the slot) is
 *    kept too, to tell the loop's delay from the workers'.
 * 4. CPU: `process.cpuUsage()` read at W and at W + window (by timers, at their actual times);
 *    the delta divided by the `schedule:fired` events between the two readings. It covers
 *    everything the process did for a fire: the loop's tick, the fire transaction, claiming,
 *    running and finalizing the no-op job, plus idle timers (the RSS sampler, the loop's
 *    change check), which weigh most with 1,000 schedules (17 fires/s).
 * 5. Completeness: each (schedule, slot) of the window should fire exactly once. Expected is
 *    computed from the slots' seconds; seen counts distinct pairs from `schedule:fired`; a
 *    second event for a pair counts as a duplicate. The bench waits up to 30 s after the window
 *    for late fires and starts, then stops Kairos and counts the window's jobs in the file.
 */
import Database from "better-sqlite3";
import path from "node:path";
import { createKairos } from "../src/index.js";
import { nextSlotAfter } from "../src/core/schedules/timing.js";
import type { PlanChange, ScheduleTiming } from "../src/ports/schedule-store.js";
import { summarize } from "./stats.js";
import {
  SCHEDULE_COUNTS,
  type ScenarioRequest,
  type ScheduleResult,
  type ScheduleScenarioName,
} from "./types.js";

type Kairos = Awaited<ReturnType<typeof createKairos>>;

const CONCURRENCY = 100;
/** Slots in the first 2 s after start are warm-up and not measured. */
const WARMUP_MS = 2_000;
/** After the window: how long to wait for its late fires and starts. */
const GRACE_MS = 30_000;
/** Re-cursor schedules whose next slot is due within this margin of now. */
const RECURSOR_MARGIN_MS = 500;
const MINUTE_SECONDS = 60;

interface Ran {
  readonly result: ScheduleResult;
  readonly notes: readonly string[];
}

function cronOf(i: number): string {
  return `${i % MINUTE_SECONDS} * * * * *`;
}

function timingOf(i: number): ScheduleTiming {
  return { kind: "cron", cron: cronOf(i), timezone: "UTC" };
}

function nameOf(i: number): string {
  return `s${i}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves at wall-clock instant `at` (ms since epoch), or at once if it has passed. */
function until(at: number): Promise<void> {
  return sleep(Math.max(0, at - Date.now()));
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export async function runScheduleScenario(
  scenario: ScheduleScenarioName,
  request: ScenarioRequest,
): Promise<Ran> {
  const n = SCHEDULE_COUNTS[scenario];
  const windowMs = request.schedWindowMs;
  const file = path.join(request.dir, "kairos.db");
  const kairos = await createKairos({ store: `sqlite:${file}` });
  kairos.define("tick", async () => null, { maxAttempts: 1 });

  // --- setup ---------------------------------------------------------------------------------
  const setupStart = performance.now();
  const cursors: (number | null)[] = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const created = await kairos.schedules.create({
      name: nameOf(i),
      fn: "tick",
      cron: cronOf(i),
      overlap: "allow_all",
    });
    cursors[i] = created.nextFireAt?.getTime() ?? null;
  }
  const createMs = performance.now() - setupStart;
  const recursored = await recursorStale(kairos, cursors);
  const setupMs = performance.now() - setupStart;

  // --- measurement ---------------------------------------------------------------------------
  const perSecond = new Array<number>(MINUTE_SECONDS).fill(0);
  for (let i = 0; i < n; i++) perSecond[i % MINUTE_SECONDS]!++;

  const startAt = Date.now();
  const windowStart = Math.ceil((startAt + WARMUP_MS) / 1000) * 1000;
  const windowEnd = windowStart + windowMs;
  let firesExpected = 0;
  for (let s = windowStart; s < windowEnd; s += 1000) {
    firesExpected += perSecond[(s / 1000) % MINUTE_SECONDS]!;
  }
  const inWindow = (slotAt: number) => slotAt >= windowStart && slotAt < windowEnd;

  const lags: number[] = [];
  const firedLags: number[] = [];
  /** Window jobs fired and not started yet: jobId -> slotAt. */
  const slotOf = new Map<string, number>();
  /** Jobs whose `job:started` came before their `schedule:fired` (not expected): jobId -> at. */
  const startedFirst = new Map<string, number>();
  const seen = new Set<string>();
  let duplicateFires = 0;
  let firesTotal = 0;
  let catchUpFires = 0;
  let missed = 0;
  let skipped = 0;
  let errors = 0;
  const errorSamples: string[] = [];

  kairos.on("schedule:fired", (e) => {
    firesTotal++;
    if (e.catchUp) catchUpFires++;
    if (!inWindow(e.slotAt)) return;
    const key = `${e.schedule}@${e.slotAt}`;
    if (seen.has(key)) {
      duplicateFires++;
      return;
    }
    seen.add(key);
    firedLags.push(Date.now() - e.slotAt);
    const startedAt = startedFirst.get(e.jobId);
    if (startedAt !== undefined) {
      startedFirst.delete(e.jobId);
      lags.push(startedAt - e.slotAt);
    } else {
      slotOf.set(e.jobId, e.slotAt);
    }
  });
  kairos.on("job:started", (e) => {
    const slotAt = slotOf.get(e.jobId);
    if (slotAt !== undefined) {
      slotOf.delete(e.jobId);
      lags.push(e.at - slotAt);
    } else if (Date.now() >= windowStart) {
      startedFirst.set(e.jobId, e.at);
    }
  });
  kairos.on("schedule:missed", () => missed++);
  kairos.on("schedule:skipped", () => skipped++);
  kairos.on("schedule:error", (e) => {
    errors++;
    if (errorSamples.length < 3) errorSamples.push(`${e.schedule}: ${e.message}`);
  });

  let windowPeakRss = 0;
  let cpu0 = 0;
  let cpu1 = 0;
  let wall0 = 0;
  let wall1 = 0;
  let fires0 = 0;
  let fires1 = 0;
  let rssTimer: NodeJS.Timeout | undefined;

  await kairos.start({ concurrency: CONCURRENCY, ...prefireOption() });
  try {
    await until(windowStart);
    cpu0 = cpuMicros();
    wall0 = Date.now();
    fires0 = firesTotal;
    rssTimer = setInterval(() => {
      windowPeakRss = Math.max(windowPeakRss, process.memoryUsage.rss());
    }, 50);
    await until(windowEnd);
    cpu1 = cpuMicros();
    wall1 = Date.now();
    fires1 = firesTotal;
    clearInterval(rssTimer);
    windowPeakRss = Math.max(windowPeakRss, process.memoryUsage.rss());
    // Late fires and starts of the window's slots.
    const deadline = windowEnd + GRACE_MS;
    while (Date.now() < deadline && !(seen.size >= firesExpected && lags.length >= seen.size)) {
      await sleep(50);
    }
  } finally {
    if (rssTimer !== undefined) clearInterval(rssTimer);
    await kairos.stop({ drainMs: 10_000 });
  }

  const fires = fires1 - fires0;
  const result: ScheduleResult = {
    kind: "schedule",
    schedules: n,
    windowMs,
    lag: lags.length > 0 ? summarize(lags) : null,
    firedLag: firedLags.length > 0 ? summarize(firedLags) : null,
    firesExpected,
    firesSeen: seen.size,
    duplicateFires,
    notStarted: seen.size - lags.length,
    firesPerSec: wall1 > wall0 ? (fires * 1000) / (wall1 - wall0) : 0,
    cpuUsPerFire: fires > 0 ? (cpu1 - cpu0) / fires : null,
    setupMs,
    createMs,
    recursored,
    catchUpFires,
    missed,
    skipped,
    errors,
    windowPeakRssBytes: windowPeakRss,
  };
  const notes = [
    `setup: ${n.toLocaleString("en-US")} schedules.create in ${(createMs / 1000).toFixed(1)} s ` +
      `(${((createMs * 1000) / n).toFixed(0)} µs each), ${recursored} re-cursored`,
    `window ${new Date(windowStart).toISOString()} + ${windowMs / 1000} s: ` +
      `fires expected ${firesExpected}, seen ${seen.size}, duplicates ${duplicateFires}, ` +
      `not started ${seen.size - lags.length}`,
    `CPU ${((cpu1 - cpu0) / 1000).toFixed(0)} ms over ${((wall1 - wall0) / 1000).toFixed(1)} s ` +
      `for ${fires} fires`,
    windowJobs(file, windowStart, windowEnd),
  ];
  if (catchUpFires + missed + skipped + errors > 0) {
    notes.push(
      `catch-up fires ${catchUpFires}, missed ${missed}, skipped ${skipped}, errors ${errors}` +
        (errorSamples.length > 0 ? ` (${errorSamples.join("; ")})` : ""),
    );
  }
  return { result, notes };
}

/**
 * Move every schedule whose next slot is already due (or due within the margin) to its next
 * slot after the margin, in one `applyPlan` transaction per pass, until none is left. Returns
 * how many schedule cursors were moved in all.
 */
async function recursorStale(kairos: Kairos, cursors: (number | null)[]): Promise<number> {
  if (!kairos.hasSchedules) throw new Error("this store has no schedules");
  let moved = 0;
  for (let pass = 0; pass < 10; pass++) {
    const horizon = Date.now() + RECURSOR_MARGIN_MS;
    const changes: PlanChange[] = [];
    for (let i = 0; i < cursors.length; i++) {
      const cursor = cursors[i];
      if (cursor !== null && cursor !== undefined && cursor > horizon) continue;
      const next = nextSlotAfter(timingOf(i), horizon);
      cursors[i] = next;
      changes.push({
        op: "update_schedule",
        name: nameOf(i),
        fields: {},
        cursor: { nextSlotAt: next, nextDueAt: next },
      });
    }
    if (changes.length === 0) break;
    await kairos.applyReconcile(changes, Date.now());
    moved += changes.length;
  }
  return moved;
}

/** The window's jobs as stored in the file, read after Kairos closed it. */
function windowJobs(file: string, from: number, to: number): string {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const total = db
        .prepare(
          `SELECT count(*) AS n, count(DISTINCT origin_id || ':' || origin_key) AS d FROM jobs
            WHERE origin_kind = 'schedule' AND CAST(origin_key AS INTEGER) >= ?
              AND CAST(origin_key AS INTEGER) < ?`,
        )
        .get(from, to) as { n: number; d: number };
      const states = db
        .prepare(
          `SELECT state, count(*) AS n FROM jobs
            WHERE origin_kind = 'schedule' AND CAST(origin_key AS INTEGER) >= ?
              AND CAST(origin_key AS INTEGER) < ?
            GROUP BY state ORDER BY state`,
        )
        .all(from, to) as { state: string; n: number }[];
      return (
        `window jobs in the file: ${total.n} (distinct slots ${total.d}): ` +
        (states.map((r) => `${r.state}=${r.n}`).join(", ") || "none")
      );
    } finally {
      db.close();
    }
  } catch (error) {
    return `window jobs unavailable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The scheduler option `KAIROS_BENCH_PREFIRE_MS` asks for (unset: the engine's default). */
function prefireOption(): { scheduler?: { prefireLeadMs: number } } {
  const raw = process.env["KAIROS_BENCH_PREFIRE_MS"];
  if (raw === undefined || raw === "") return {};
  const prefireLeadMs = Number(raw);
  if (!Number.isSafeInteger(prefireLeadMs) || prefireLeadMs < 0) {
    throw new Error(`KAIROS_BENCH_PREFIRE_MS must be an integer >= 0 (ms), got "${raw}"`);
  }
  return { scheduler: { prefireLeadMs } };
}
