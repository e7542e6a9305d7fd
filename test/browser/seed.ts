/**
 * The store the browser suite looks at: a kairos.yaml with a function that succeeds, one that
 * fails, a schedule (hourly, so it never fires during the run) and two workflows, written to a
 * directory of its own. Plain data: the global setup applies it and enqueues the jobs.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The names the specs look for. */
export const SEED = {
  okFn: "greet",
  failFn: "explode",
  failMessage: "boom: the browser suite's failing function",
  schedule: "greet-hourly",
  workflow: "pipeline",
  /** A workflow whose two tasks succeed (the run page's live and action tests trigger it). */
  relay: "relay",
  /** Logs a first line, waits for `payload.file` (see `releaseFile`), logs a second, returns. */
  waitFn: "await-release",
  waitFirstLine: "waiting for the release file",
  waitSecondLine: "released: carrying on",
} as const;

const CONFIG = `
functions:
  - name: ${SEED.okFn}
    kind: module
    file: ./functions.mjs
    export: greet
    schedules:
      - { name: ${SEED.schedule}, cron: "0 * * * *", payload: { who: schedule } }
  - name: ${SEED.failFn}
    kind: module
    file: ./functions.mjs
    export: explode
    retries: 0
  - name: ${SEED.waitFn}
    kind: module
    file: ./functions.mjs
    export: awaitRelease
    retries: 0
workflows:
  - name: ${SEED.workflow}
    tasks:
      - { id: first, fn: ${SEED.okFn}, payload: { who: first } }
      - { id: second, fn: ${SEED.failFn}, dependsOn: [first] }
  - name: ${SEED.relay}
    tasks:
      - { id: extract, fn: ${SEED.okFn}, payload: { who: extract } }
      - { id: load, fn: ${SEED.okFn}, payload: { who: load }, dependsOn: [extract] }
`;

const FUNCTIONS = `
export async function greet(payload, ctx) {
  ctx.log("greeting " + (payload.who ?? "nobody"));
  return { greeted: payload.who ?? null };
}
export async function explode(payload, ctx) {
  ctx.log("about to fail");
  throw new Error(${JSON.stringify(SEED.failMessage)});
}
export async function awaitRelease(payload, ctx) {
  const fs = await import("node:fs");
  ctx.log(${JSON.stringify(SEED.waitFirstLine)});
  while (!fs.existsSync(payload.file)) await new Promise((r) => setTimeout(r, 50));
  ctx.log(${JSON.stringify(SEED.waitSecondLine)});
  return { released: true };
}
`;

/** Write kairos.yaml and its module into `dir`. */
export function writeSeed(dir: string): void {
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
  fs.writeFileSync(path.join(dir, "functions.mjs"), FUNCTIONS);
}

/**
 * A path for a `SEED.waitFn` job's payload (`{ file }`): nothing is there until the test calls
 * `releaseFile(path)`, which lets the job go on.
 */
export function releasePath(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "kairos-release-")), "release");
}

/** Let the `SEED.waitFn` job waiting for `file` go on (see `releasePath`). */
export function releaseFile(file: string): void {
  fs.writeFileSync(file, "released");
}
