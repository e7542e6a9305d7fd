/**
 * `kairos schedules fire` end to end (local store, and against a server in the cli-remote
 * project): the slot fires once, the same Job fired again answers `existing` with the same
 * job, and a bad call is a usage error. Real `kairos` processes in a temp dir.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { k8sName } from "../../src/core/k8s/names.js";
import { tempDir } from "../helpers/kairos.js";
import { runKairos as kairos } from "../helpers/cli.js";

const CONFIG = `
functions:
  - name: report
    kind: command
    command: ["node", "-e", "1"]
    schedules:
      - name: minutely
        every: 1m
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

describe("kairos schedules fire", () => {
  it("fires a slot once; the same Job again answers existing with the same job", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const show = await kairos(dir, ["schedules", "show", "minutely", "--json"]);
    const next = (JSON.parse(show.stdout) as { nextFireAt: string }).nextFireAt;
    const first = await kairos(dir, ["schedules", "fire", "minutely", "--slot", next, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const fired = JSON.parse(first.stdout) as { slotAt: string; outcome: string; jobId: string };
    expect(fired).toMatchObject({ slotAt: next, outcome: "fired" });
    const jobName = `${k8sName("minutely")}-${Date.parse(next) / 60_000}`;
    const again = await kairos(dir, ["schedules", "fire", "minutely", "--job-name", jobName]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`existing minutely slot ${next}: job ${fired.jobId}`);
  }, 60_000);

  it("refuses a call without a slot, with both, and a Job of another CronJob", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const none = await kairos(dir, ["schedules", "fire", "minutely"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--job-name");
    const both = await kairos(dir, [
      ...["schedules", "fire", "minutely", "--job-name", "minutely-1"],
      ...["--slot", "2026-12-04T10:00:00Z"],
    ]);
    expect(both.code).toBe(2);
    const wrong = await kairos(dir, ["schedules", "fire", "minutely", "--job-name", "other-1"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('expected "minutely-<scheduled minutes since the epoch>"');
  }, 60_000);
});
