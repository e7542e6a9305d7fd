/**
 * Which target a command talks to (--server, KAIROS_SERVER, a local store) and what it says
 * about it on stderr; `schedules resume --note`. Real `kairos` processes in a temp directory.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { runKairos } from "../helpers/cli.js";

// Target selection is about the local CLI itself: these stay local in remote test mode.
const kairos = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  runKairos(cwd, args, { KAIROS_CLI_MODE: "local", ...env });

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "1"]
    schedules:
      - name: nightly
        cron: "0 3 * * *"
`;

// Nothing listens on port 1: a command sent there fails after saying where it went.
const NOWHERE = "http://127.0.0.1:1";

let dir: string;
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});

describe("kairos CLI target", { timeout: 180_000 }, () => {
  it("--server together with --store is a usage error (exit 2) naming both", async () => {
    const r = await kairos(dir, ["--server", NOWHERE, "--store", "sqlite:x.db", "jobs", "list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--server and --store cannot be used together/);
    expect(r.stdout).toBe("");
  });

  it("an empty --server is a usage error (exit 2)", async () => {
    const r = await kairos(dir, ["--server", "", "jobs", "list"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--server is empty/);
  });

  it("--server says which server on stderr with its credentials masked", async () => {
    const r = await kairos(dir, ["--server", "http://ops:hunter2@127.0.0.1:1", "jobs", "list"]);
    expect(r.stderr).toContain("kairos: using server http://ops:***@127.0.0.1:1 (from --server)");
    expect(r.stderr).not.toContain("hunter2");
    expect(r.stderr).not.toMatch(/using store/);
  });

  it("KAIROS_SERVER is used when neither --server nor --store is given", async () => {
    const r = await kairos(dir, ["jobs", "list"], { KAIROS_SERVER: NOWHERE });
    expect(r.stderr).toContain(`kairos: using server ${NOWHERE} (from KAIROS_SERVER)`);
    expect(r.stderr).not.toMatch(/using store/);
  });

  it("--server beats KAIROS_SERVER", async () => {
    const r = await kairos(dir, ["--server", "http://127.0.0.1:2", "jobs", "list"], {
      KAIROS_SERVER: NOWHERE,
    });
    expect(r.stderr).toContain("kairos: using server http://127.0.0.1:2 (from --server)");
  });

  it("--store beats KAIROS_SERVER: the command runs on the local store", async () => {
    const r = await kairos(dir, ["--store", "sqlite:.kairos/kairos.db", "apply"], {
      KAIROS_SERVER: NOWHERE,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("kairos: using store sqlite:.kairos/kairos.db (from --store)");
    expect(r.stderr).not.toMatch(/using server/);
  });

  it("dev refuses --server (usage error): it runs an engine on a local store", async () => {
    const r = await kairos(dir, ["--server", NOWHERE, "dev", "--for", "1s"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--server does not apply here/);
  });

  it("schedules resume --note records the note in the schedule's history", async () => {
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    expect((await kairos(dir, ["schedules", "pause", "nightly", "--note", "db work"])).code).toBe(
      0,
    );
    const resumed = await kairos(dir, ["schedules", "resume", "nightly", "--note", "db done"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^resumed nightly \(db done\); next fire /);
    const shown = JSON.parse(
      (await kairos(dir, ["schedules", "show", "nightly", "--json"])).stdout,
    ) as { history: { kind: string; message: string | null }[] };
    expect(shown.history[0]).toMatchObject({ kind: "resumed", message: "db done" });
  });
});
