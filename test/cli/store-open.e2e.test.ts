/**
 * The CLI's store opening end to end (issue 8 items 2, 3, 12): credentials never printed,
 * a PostgreSQL server that never answers fails with a clear error instead of hanging, an empty
 * `--store` is a usage error, only the default `.kairos/` is created on demand, and read-only
 * commands never create a store.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/kairos.js";
import { LOCAL, runKairos, type CliResult } from "../helpers/cli.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

// Every test here is about opening a local store, so it runs locally in both CLI modes (a
// `kairos server` opens its own store; its errors are the server's to report).
const kairos = (cwd: string, args: readonly string[], env: Record<string, string> = {}) =>
  runKairos(cwd, args, { ...LOCAL, ...env });

const SECRET = "s3cr3t-pw";

function expectNoSecret(r: CliResult): void {
  for (const line of `${r.stdout}\n${r.stderr}`.split("\n")) expect(line).not.toContain(SECRET);
}

/** A TCP server that accepts connections and never writes a byte (a hung PostgreSQL). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
async function closedPort(): Promise<number> {
  const server = await silentServer();
  await server.close();
  return server.port;
}

const CONFIG = `
functions:
  - name: hello
    kind: command
    command: ["true"]
    schedules:
      - name: hourly
        every: 1h
`;

let dir: string;
beforeEach(() => {
  dir = tempDir();
});

describe("kairos CLI: PostgreSQL that cannot be reached", () => {
  let server: Awaited<ReturnType<typeof silentServer>>;
  beforeEach(async () => {
    server = await silentServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it("jobs list against a server that never answers fails after the connect timeout, naming host and port (default 10 s, ?connect_timeout= honoured)", async () => {
    const base = `postgres://user:${SECRET}@127.0.0.1:${server.port}/db`;
    const [custom, byDefault] = await Promise.all([
      kairos(dir, ["jobs", "list", "--store", `${base}?connect_timeout=1`]),
      kairos(dir, ["jobs", "list"], { KAIROS_STORE: base }),
    ]);
    for (const r of [custom, byDefault]) {
      expect(r.code).toBe(1);
      expectNoSecret(r);
    }
    expect(custom.stderr).toContain(
      `kairos: cannot connect to PostgreSQL at 127.0.0.1:${server.port} within 1 s:`,
    );
    expect(custom.stderr).toContain(`using store postgres://user:***@127.0.0.1:${server.port}/db`);
    expect(byDefault.stderr).toContain(
      `kairos: cannot connect to PostgreSQL at 127.0.0.1:${server.port} within 10 s:`,
    );
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine

  it("a refused connection says where and never prints the password (user info or ?password=)", async () => {
    const port = await closedPort();
    const urls = [
      `postgres://user:${SECRET}@127.0.0.1:${port}/db`,
      `postgresql://127.0.0.1:${port}/db?user=u&password=${SECRET}`,
    ];
    for (const url of urls) {
      const r = await kairos(dir, ["schedules", "list", "--store", url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`cannot connect to PostgreSQL at 127.0.0.1:${port}`);
      expect(r.stderr).toMatch(/ECONNREFUSED/);
      expectNoSecret(r);
    }
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine

  it("a malformed connect_timeout is a usage error that hides the password", async () => {
    const r = await kairos(dir, [
      "jobs",
      "list",
      "--store",
      `postgres://user:${SECRET}@127.0.0.1:${server.port}/db?connect_timeout=soon`,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/connect_timeout .* whole number of seconds/);
    expectNoSecret(r);
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine
});

describePg("kairos CLI: PostgreSQL URL with a password", () => {
  function withPassword(schema: string, database?: string): string {
    const url = new URL(pgUrl());
    url.password = SECRET;
    if (database !== undefined) url.pathname = `/${database}`;
    url.searchParams.set("schema", schema);
    return url.toString();
  }

  it("apply, jobs list and errors on a reachable server never print the password", async () => {
    fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
    const store = withPassword(freshSchema());
    const applied = await kairos(dir, ["apply", "--store", store]);
    expect(applied.code).toBe(0);
    expect(applied.stderr).toMatch(/using store postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+/);
    const listed = await kairos(dir, ["schedules", "list", "--json"], { KAIROS_STORE: store });
    expect(listed.code).toBe(0);
    const missing = await kairos(dir, ["jobs", "show", "99999", "--store", store]);
    expect(missing.code).toBe(3);
    const noDb = await kairos(dir, ["jobs", "list", "--store", withPassword("k", "no_such_db")]);
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+ refused the connection \(3D000/);
    for (const r of [applied, listed, missing, noDb]) expectNoSecret(r);
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine

  it("read-only commands on a schema without a store say so and create nothing", async () => {
    const schema = freshSchema();
    const r = await kairos(dir, ["jobs", "list", "--store", withPassword(schema)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`schema "${schema}") (run \`kairos apply\` or \`kairos dev\``);
    expectNoSecret(r);
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine
});

describe("kairos CLI: which store, and creating it", () => {
  it("an empty --store is a usage error and creates nothing", async () => {
    const r = await kairos(dir, ["jobs", "list", "--store", ""]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--store is empty/);
    expect(fs.existsSync(path.join(dir, ".kairos"))).toBe(false);
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine

  it("read-only commands on a missing SQLite store say how to create one and create nothing", async () => {
    for (const args of [
      ["jobs", "list"],
      ["jobs", "show", "99999"],
      ["schedules", "list"],
      ["schedules", "show", "nightly"],
    ]) {
      const r = await kairos(dir, args);
      expect(r.code, args.join(" ")).toBe(3);
      expect(r.stderr).toContain(
        "kairos: no store at .kairos/kairos.db (run `kairos apply` or `kairos dev` to create one)",
      );
      expect(fs.existsSync(path.join(dir, ".kairos"))).toBe(false);
    }
    // A write creates the default store (and its .kairos/ directory); then reads work.
    fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
    expect((await kairos(dir, ["apply"])).code).toBe(0);
    expect(fs.existsSync(path.join(dir, ".kairos", "kairos.db"))).toBe(true);
    const listed = await kairos(dir, ["schedules", "list", "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine

  it("a store in a directory that does not exist is an error naming it; the directory is not created", async () => {
    const missing = path.join(dir, "no", "such");
    fs.writeFileSync(path.join(dir, "kairos.yaml"), CONFIG);
    const r = await kairos(dir, ["apply", "--store", `sqlite:${missing}/k.db`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`the directory ${missing} of the SQLite store`);
    expect(r.stderr).toContain(`mkdir -p ${missing}`);
    expect(fs.existsSync(path.join(dir, "no"))).toBe(false);
  }, 120_000); // several CLI processes, each a few seconds on a loaded 2-core machine
});
