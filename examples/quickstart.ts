/**
 * Quickstart: the job engine on the embedded SQLite store, in a file of its own
 * (.kairos/example.db): `npm run dev` uses .kairos/kairos.db, whose schedules this example
 * must not fire and whose job list it must not fill.
 * Run with `npm run example`. It defines two functions, enqueues jobs (one delayed, one keyed,
 * one that fails once and is retried), works them, prints what happens, and stops.
 */
import { mkdirSync } from "node:fs";
import { createKairos } from "../src/index.js";

const STORE = "sqlite:.kairos/example.db";
mkdirSync(".kairos", { recursive: true });
const kairos = await createKairos({ store: STORE });

kairos.define(
  "resize",
  async (payload: { image: string; width: number }, ctx) => {
    ctx.log(`resizing ${payload.image}`);
    ctx.progress(50, "decoded");
    await new Promise((r) => setTimeout(r, 50));
    ctx.progress(100, "written");
    return { image: payload.image, width: payload.width };
  },
  // Jobs of one user run one at a time; other users are not blocked.
  { concurrency: { key: (p) => p.image.split("/")[0], limit: 1 }, timeoutMs: 5_000 },
);

let flakyRuns = 0;
kairos.define(
  "flaky",
  () => {
    flakyRuns++;
    if (flakyRuns === 1) throw new Error("transient failure");
    return "worked on retry";
  },
  { maxAttempts: 3, backoff: { type: "exponential", delayMs: 200, maxDelayMs: 2_000 } },
);

const at = (ms: number) => new Date(ms).toISOString().slice(11, 23);
kairos.on("job:started", (e) =>
  console.log(`${at(e.at)} started   ${e.fn} #${e.jobId} attempt ${e.attempt}`),
);
kairos.on("job:succeeded", (e) =>
  console.log(`${at(e.at)} succeeded ${e.fn} #${e.jobId} in ${e.durationMs} ms`),
);
kairos.on("job:retrying", (e) =>
  console.log(`${at(e.at)} retrying  ${e.fn} #${e.jobId}: ${e.error.message}`),
);
kairos.on("job:failed", (e) =>
  console.log(`${at(e.at)} failed    ${e.fn} #${e.jobId}: ${e.error.message}`),
);

const jobs = [
  await kairos.enqueue("resize", { image: "alice/cat.png", width: 320 }),
  await kairos.enqueue("resize", { image: "alice/dog.png", width: 320 }),
  await kairos.enqueue("resize", { image: "bob/sun.png", width: 640 }, { priority: 10 }),
  await kairos.enqueue(
    "resize",
    { image: "bob/moon.png", width: 640 },
    { runAt: Date.now() + 500 },
  ),
  // Enqueuing the same idempotency key twice yields one job.
  await kairos.enqueue(
    "flaky",
    { run: new Date().toISOString().slice(0, 19) },
    {
      idempotencyKey: `flaky-${Date.now()}`,
    },
  ),
];

await kairos.start({ concurrency: 4 });

// Wait until every job above has finished.
for (;;) {
  const states = await Promise.all(jobs.map(async (j) => (await kairos.jobs.get(j.id))?.state));
  if (states.every((s) => s === "succeeded" || s === "failed")) break;
  await new Promise((r) => setTimeout(r, 50));
}
for (const job of jobs) {
  const done = await kairos.jobs.get(job.id);
  console.log(
    `#${done?.id} ${done?.fn}: ${done?.state}, attempt ${done?.attempt}, result ${JSON.stringify(done?.result)}`,
  );
}
await kairos.stop({ drainMs: 5_000 });
console.log(`done: state is in ${STORE.slice("sqlite:".length)}`);
