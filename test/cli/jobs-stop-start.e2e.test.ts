/**
 * `kairos jobs stop ID` and `kairos jobs start ID` end to end (docs/control.md): a real `kairos`
 * process stops a waiting job at once, shows the requests in `jobs show`, starts it again as
 * generation 2 (asking twice answers the same request), and refuses what the job's state does
 * not allow with exit 4 and the reason; an unknown id exits 3. Also run against a server by
 * `npm run test:cli-remote`.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runKairos as kairos } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

const CONFIG = `
functions:
  - name: backfill
    kind: command
    command: ["node", "-e", "console.log('hi')"]
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

describe("kairos jobs stop / start", () => {
  it("stops a waiting job at once, lists the requests, and starts it as generation 2", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const enq = await kairos(dir, ["enqueue", "backfill", "--json"]);
    const id = (JSON.parse(enq.stdout) as { id: string }).id;

    const refused = await kairos(dir, ["jobs", "start", id]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`job ${id} is not stopped (it is waiting); stop it first`);

    const stop = await kairos(dir, ["jobs", "stop", id, "--json"]);
    expect(stop.code).toBe(0);
    const stopRequest = JSON.parse(stop.stdout) as Record<string, unknown>;
    expect(stopRequest).toMatchObject({
      kind: "stop",
      jobId: id,
      generation: 1,
      status: "completed",
    });
    const again = await kairos(dir, ["jobs", "stop", id]);
    expect(again.stdout.trim()).toBe(`job ${id}: stopped (stop request ${String(stopRequest.id)})`);

    const start = await kairos(dir, ["jobs", "start", id]);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(
      new RegExp(`^job ${id}: start requested as generation 2 \\(request \\d+, pending\\)`),
    );
    const twice = await kairos(dir, ["jobs", "start", id]);
    expect(twice.stdout).toBe(start.stdout);

    const show = await kairos(dir, ["jobs", "show", id]);
    expect(show.stdout).toContain("control:");
    expect(show.stdout).toMatch(/stop {2}generation 1 {2}by cli at \S+ -> completed \S+/);
    expect(show.stdout).toMatch(/start generation 2 {2}by cli at \S+ pending/);
    expect(show.stdout).toMatch(/^generation 2$/m);
    const json = JSON.parse((await kairos(dir, ["jobs", "show", id, "--json"])).stdout) as {
      state: string;
      generation: number;
      controlRequests: { kind: string; status: string }[];
    };
    expect(json.state).toBe("queued");
    expect(json.generation).toBe(2);
    expect(json.controlRequests.map((r) => `${r.kind}:${r.status}`)).toEqual([
      "stop:completed",
      "start:pending",
    ]);

    const unknown = await kairos(dir, ["jobs", "stop", "999999"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('no job with id "999999"');
  }, 60_000);
});
