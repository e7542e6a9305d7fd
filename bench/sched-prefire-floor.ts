/**
 * @module bench/sched-prefire-floor
 * A standalone experiment, not part of `npm run bench`: the start lag `sched-100k` could reach
 * if a slot's job were written before its slot ("pre-firing"), so that at the instant only
 * the workers' part is left. No schedule is involved: every second S of the window, PER_SECOND
 * no-op jobs with `runAt: S` are enqueued at S - LEAD_MS through `enqueueMany`, in chunks of
 * 128 with a `setImmediate` between chunks (as the scheduler loop flushes and yields).
 * LEAD_MS=0 enqueues them at the instant (the job path without the schedule's writes).
 *
 *   npx tsx bench/sched-prefire-floor.ts                      # 1,667 a second (100,000/min)
 *   LEAD_MS=0 PER_SECOND=167 SECONDS=20 npx tsx bench/sched-prefire-floor.ts
 *
 * Prints the start lag (`job:started` `at` minus `runAt`) p50/p99/max and the process's CPU
 * per job (user + system over the window and 3 s after it, divided by the jobs started).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createKairos } from "../src/index.js";
import { summarize } from "./stats.js";

const PER_SECOND = Number(process.env["PER_SECOND"] ?? 1667);
const LEAD_MS = Number(process.env["LEAD_MS"] ?? 500);
const SECONDS = Number(process.env["SECONDS"] ?? 20);
/** Jobs per enqueue call, as the scheduler loop's flush (tick.ts YIELD_EVERY). */
const CHUNK = 128;
/** The first slot is at least this far after start (warm-up). */
const WARMUP_MS = 2_000;
/** After the last slot: time for its jobs to start. */
const TAIL_MS = 3_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-prefire-"));
  const kairos = await createKairos({ store: `sqlite:${path.join(dir, "kairos.db")}` });
  try {
    kairos.define("tick", async () => null, { maxAttempts: 1 });
    const runAtOf = new Map<string, number>();
    const lags: number[] = [];
    kairos.on("job:started", (e) => {
      const runAt = runAtOf.get(e.jobId);
      if (runAt === undefined) return;
      runAtOf.delete(e.jobId);
      lags.push(e.at - runAt);
    });
    await kairos.start({ concurrency: 100 });
    const first = Math.ceil((Date.now() + WARMUP_MS) / 1000) * 1000;
    const end = first + SECONDS * 1000;
    const cpu0 = process.cpuUsage();
    for (let slot = first; slot < end; slot += 1000) {
      await sleep(Math.max(0, slot - LEAD_MS - Date.now()));
      for (let done = 0; done < PER_SECOND; done += CHUNK) {
        const n = Math.min(CHUNK, PER_SECOND - done);
        const jobs = await kairos.enqueueMany("tick", new Array<null>(n).fill(null), {
          runAt: slot,
        });
        for (const job of jobs) runAtOf.set(job.id, slot);
        await yieldOnce();
      }
    }
    await sleep(Math.max(0, end + TAIL_MS - Date.now()));
    const cpu = process.cpuUsage(cpu0);
    const s = summarize(lags);
    console.log(
      `${PER_SECOND} jobs a second, written ${LEAD_MS} ms ahead, ${SECONDS} s: ` +
        `started ${lags.length}/${PER_SECOND * SECONDS}, start lag p50/p99/max ` +
        `${s.p50}/${s.p99}/${s.max} ms, CPU ${((cpu.user + cpu.system) / Math.max(1, lags.length)).toFixed(0)} µs/job`,
    );
  } finally {
    await kairos.stop({ drainMs: 5_000 });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
