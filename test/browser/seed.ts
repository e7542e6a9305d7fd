/**
 * The store the browser suite looks at: a kairos.yaml with a function that succeeds, one that
 * fails, a schedule (hourly, so it never fires during the run) and two workflows, written to a
 * directory of its own. Plain data: the global setup applies it and enqueues the jobs.
 */
import fs from "node:fs";
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
`;

/** Write kairos.yaml and its module into `dir`. */
export function writeSeed(dir: string): void {
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
  fs.writeFileSync(path.join(dir, "functions.mjs"), FUNCTIONS);
}
