/**
 * `kairos server` as a user runs it: real processes in a temp directory. It prints its URL,
 * serves probes, the API and the dashboard; refuses a non-loopback address until a token exists; then
 * requires the token; `kairos apply --server` applies the same kairos.yaml `kairos dev` runs
 * (second apply all unchanged); SIGTERM drains and exits 0. `kairos dev` serves the API and the dashboard too.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { runKairos, startKairos } from "../helpers/cli.js";

const local = { KAIROS_CLI_MODE: "local" };

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["node", "-e", "console.log('hi')"]
    schedules:
      - { name: hello-hourly, cron: "0 * * * *" }
`;

let dir: string;
const started: ReturnType<typeof startKairos>[] = [];
beforeEach(() => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
});
afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null) s.child.kill("SIGKILL");
    await s.exited;
  }
});

async function server(args: string[], cwd = dir) {
  const s = startKairos(cwd, ["server", "--port", "0", ...args], local);
  started.push(s);
  await s.waitForOutput(/kairos: serving (http:\/\/\S+)/);
  const url = /kairos: serving (http:\/\/\S+)/.exec(s.stdout())![1]!;
  return { ...s, url };
}

describe("kairos server", () => {
  it("prints its URL, serves probes, metrics and the API, and stops on SIGTERM", async () => {
    const s = await server([]);
    expect(s.stdout()).toMatch(/kairos: serving http:\/\/127\.0\.0\.1:\d+ \(no tokens yet/);
    expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
    const who = (await (await fetch(`${s.url}/api/v1/whoami`)).json()) as { auth: string };
    expect(who.auth).toBe("loopback-open");
    // The dashboard at / (the build's index.html, or the page saying to build it).
    await s.waitForOutput(/kairos: dashboard /);
    expect(s.stdout()).toContain(`kairos: dashboard ${s.url}/\n`);
    const page = await fetch(`${s.url}/jobs/7`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html|npm run build/);
    s.child.kill("SIGTERM");
    const done = await s.exited;
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/kairos: stopping[\s\S]*kairos: stopped/);
    // The JSON log lines on stdout are one object per line.
    const logs = done.stdout.split("\n").filter((l) => l.startsWith("{"));
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(() => JSON.parse(line) as unknown).not.toThrow();
  }, 60_000);

  it("refuses a non-loopback address without a token; with one, every request needs it", async () => {
    const refused = await runKairos(dir, ["server", "--host", "0.0.0.0", "--port", "0"], local);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing to listen on 0.0.0.0 without auth");
    // Refused before anything ran: no leader duty started, no engine log line.
    expect(refused.stdout).not.toContain("became leader");
    const created = await runKairos(
      dir,
      ["tokens", "create", "--scope", "read", "--name", "probe", "--json"],
      local,
    );
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const s = await server(["--host", "0.0.0.0"]);
    expect(s.stdout()).toMatch(/auth on \(1 active token\)/);
    const url = s.url.replace("0.0.0.0", "127.0.0.1");
    expect((await fetch(`${url}/api/v1/jobs`)).status).toBe(401);
    const auth = { headers: { authorization: `Bearer ${token}` } };
    expect((await fetch(`${url}/api/v1/jobs`, auth)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, auth)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const write = await fetch(`${url}/api/v1/jobs`, {
      method: "POST",
      headers: { ...auth.headers, "content-type": "application/json" },
      body: JSON.stringify({ fn: "hello", payload: {} }),
    });
    expect(write.status).toBe(403);
  }, 60_000);

  it("apply --server applies the kairos.yaml dev runs: variables from the client, then all unchanged", async () => {
    // The file uses a variable only the client has; the server runs elsewhere on the same store.
    fs.writeFileSync(
      path.join(dir, "kairos.yaml"),
      CONFIG.replace("console.log('hi')", "console.log('hi ${GREETING}')"),
    );
    const store = `sqlite:${path.join(dir, ".kairos", "kairos.db")}`;
    const s = await server(["--api-only", "--store", store, "--config-dir", dir], tempDir());
    const env = { ...local, KAIROS_SERVER: s.url, GREETING: "world" };
    const first = await runKairos(dir, ["apply"], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`kairos: using server ${s.url} (from KAIROS_SERVER)`);
    expect(first.stdout).toMatch(/\+ create function hello[\s\S]*Plan: 2 to create/);
    const second = await runKairos(dir, ["apply"], env);
    expect(second.stdout).toContain("Plan: 0 to create, 0 to update, 2 unchanged, 0 to prune.");
    const changed = await runKairos(dir, ["apply", "--dry-run"], { ...env, GREETING: "moon" });
    expect(changed.stdout).toMatch(/~ update function hello/);
    const shown = await runKairos(dir, ["schedules", "list", "--json"], env);
    expect((JSON.parse(shown.stdout) as { name: string }[]).map((x) => x.name)).toEqual([
      "hello-hourly",
    ]);
  }, 60_000);
});

describe("kairos dev serves the API", () => {
  it("prints the API's URL and answers on it while it runs", async () => {
    const dev = startKairos(dir, ["dev", "--port", "0", "--for", "30s"], local);
    started.push(dev);
    await dev.waitForOutput(/kairos dev: API (http:\/\/\S+)\/api\/v1 \(no tokens yet/);
    const url = /kairos dev: API (http:\/\/\S+)\/api\/v1/.exec(dev.stdout())![1]!;
    await dev.waitForOutput(/kairos dev: dashboard /);
    expect(dev.stdout()).toContain(`kairos dev: dashboard ${url}/\n`);
    expect((await fetch(url)).headers.get("content-type")).toMatch(/^text\/html/);
    const schedules = await fetch(`${url}/api/v1/schedules`);
    expect(schedules.status).toBe(200);
    const body = (await schedules.json()) as { items: { name: string }[] };
    expect(body.items.map((x) => x.name)).toEqual(["hello-hourly"]);
    dev.child.kill("SIGINT");
    expect((await dev.exited).code).toBe(0);
  }, 60_000);
});
