/**
 * `kairos runs stop ID` and `kairos runs start ID` end to end (docs/control.md): a real `kairos`
 * process stops a run (no task of it runs; here none had started, so at once), shows the
 * requests in `runs show` and its JSON, refuses a start of a run that is not stopped and a stop
 * of a finished one with exit 4 and the reason, starts it again as generation 2 (asking twice
 * answers the same request); an unknown id exits 3. Also run against a server by
 * `npm run test:cli-remote`.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runKairos as kairos } from "../helpers/cli.js";
import { tempDir } from "../helpers/kairos.js";

const CONFIG = `
functions:
  - name: ok
    kind: command
    command: ["node", "-e", "console.log('ok')"]
workflows:
  - name: adhoc
    tasks:
      - { id: first, fn: ok }
      - { id: second, fn: ok, dependsOn: [first] }
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

describe("kairos runs stop / start", () => {
  it("stops a run, lists the requests, refuses what its state does not allow, and starts it as generation 2", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    const trigger = await kairos(dir, ["workflows", "trigger", "adhoc", "--json"]);
    const id = (JSON.parse(trigger.stdout) as { id: string }).id;

    const refused = await kairos(dir, ["runs", "start", id]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(`run ${id} is not stopped (it is running); stop it first`);

    const stop = await kairos(dir, ["runs", "stop", id, "--json"]);
    expect(stop.code).toBe(0);
    const stopRequest = JSON.parse(stop.stdout) as Record<string, unknown>;
    expect(stopRequest).toMatchObject({
      kind: "stop",
      runId: id,
      generation: 1,
      status: "completed",
      requestedBy: "cli",
    });
    const again = await kairos(dir, ["runs", "stop", id]);
    expect(again.stdout.trim()).toBe(`run ${id}: stopped (stop request ${String(stopRequest.id)})`);

    const show = await kairos(dir, ["runs", "show", id]);
    expect(show.stdout).toContain(`run ${id} of adhoc: stopped`);
    expect(show.stdout).toContain("control:");
    expect(show.stdout).toMatch(/stop {2}generation 1 {2}by cli at \S+ -> completed \S+/);

    const start = await kairos(dir, ["runs", "start", id]);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(
      new RegExp(
        `^run ${id}: start requested as generation 2 \\(request \\d+, (pending|completed)\\)`,
      ),
    );
    const twice = await kairos(dir, ["runs", "start", id]);
    expect(twice.stdout.replace("pending", "completed")).toBe(
      start.stdout.replace("pending", "completed"),
    );
    const json = JSON.parse((await kairos(dir, ["runs", "show", id, "--json"])).stdout) as {
      state: string;
      controlRequests: { kind: string; generation: number }[];
    };
    expect(json.state).toBe("running");
    expect(json.controlRequests.map((r) => `${r.kind}:${r.generation}`)).toEqual([
      "stop:1",
      "start:2",
    ]);

    const cancel = await kairos(dir, ["runs", "cancel", id]);
    expect(cancel.code).toBe(0);
    const finished = await kairos(dir, ["runs", "stop", id]);
    expect(finished.code).toBe(4);
    expect(finished.stderr).toContain(`run ${id} has finished`);

    const unknown = await kairos(dir, ["runs", "stop", "999999"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("no workflow run with id 999999");
  }, 60_000);
});
