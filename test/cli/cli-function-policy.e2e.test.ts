/**
 * Jobs created from the CLI (`kairos enqueue`, `kairos schedules trigger`) in a process that
 * never defines the function still take the policy declared in kairos.yaml: retries, priority,
 * timeout and concurrency key are stamped on the job by whichever process creates it.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { runKairos } from "../helpers/cli.js";

const CONFIG = `
functions:
  - name: flaky
    kind: command
    command: ["node", "-e", "process.exit(1)"]
    retries: 6
    priority: 5
    timeout: 7s
    concurrency: { key: "flaky-{region}", limit: 1 }
    schedules:
      - name: flaky-nightly
        cron: "0 3 * * *"
        payload: { region: eu }
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

async function jobJson(id: string): Promise<Record<string, unknown>> {
  const shown = await runKairos(dir, ["jobs", "show", id, "--json"]);
  expect(shown.code, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout) as Record<string, unknown>;
}

describe("the function's declared policy from the CLI", () => {
  it("kairos enqueue stamps the declared retries, priority, timeout and key", async () => {
    expect((await runKairos(dir, ["apply"])).code).toBe(0);
    const enq = await runKairos(dir, [
      "enqueue",
      "flaky",
      "--payload",
      '{"region":"eu"}',
      "--json",
    ]);
    expect(enq.code, enq.stderr).toBe(0);
    const job = await jobJson(String((JSON.parse(enq.stdout) as { id: string }).id));
    expect(job).toMatchObject({ maxAttempts: 7, priority: 5, timeoutMs: 7000 });
    expect(job.concurrencyKey).toBe("flaky-eu");
  });

  it("kairos schedules trigger stamps the declared policy too", async () => {
    expect((await runKairos(dir, ["apply"])).code).toBe(0);
    const trig = await runKairos(dir, ["schedules", "trigger", "flaky-nightly", "--json"]);
    expect(trig.code, trig.stderr).toBe(0);
    const id = String((JSON.parse(trig.stdout) as { id: string }).id);
    const job = await jobJson(id);
    expect(job).toMatchObject({ maxAttempts: 7, priority: 5, timeoutMs: 7000 });
  });
});
