/**
 * Opening the PostgreSQL store never hangs (issue 8 item 3): a server that accepts connections
 * but never answers fails after the connect timeout with STORE_UNAVAILABLE naming host and
 * port; a statement past `queryTimeoutMs` fails with STORE_UNAVAILABLE; `mustExist` never
 * creates a schema; messages never show the password.
 */
import net from "node:net";
import pg from "pg";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  StoreNotFoundError,
  StoreUnavailableError,
  ValidationError,
} from "../../src/core/errors.js";
import { openStores } from "../../src/stores/open-store.js";
import { pgEndpoint } from "../../src/stores/postgres/connect.js";
import { openPostgresStores } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

describe("pgEndpoint", () => {
  it("reads host, port and connect_timeout (seconds; 0 waits forever; default 10 s)", () => {
    expect(pgEndpoint("postgres://u:p@db.example:6543/x?connect_timeout=3")).toEqual({
      host: "db.example",
      port: 6543,
      connectTimeoutMs: 3000,
    });
    expect(pgEndpoint("postgres://h/x")).toEqual({
      host: "h",
      port: 5432,
      connectTimeoutMs: 10_000,
    });
    expect(pgEndpoint("postgres://h/x?connect_timeout=0").connectTimeoutMs).toBe(0);
    expect(() => pgEndpoint("postgres://h/x?connect_timeout=1.5")).toThrow(ValidationError);
  });
});

describe("connecting to a server that never answers", () => {
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();
  beforeEach(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fails with STORE_UNAVAILABLE naming host, port and the URL's connect_timeout", async () => {
    const open = openStores(`postgres://u:s3cr3t-pw@127.0.0.1:${port}/db?connect_timeout=1`);
    await expect(open).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(open).rejects.toThrow(
      new RegExp(`^cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port} within 1 s: `),
    );
    await expect(open).rejects.not.toThrow(/s3cr3t-pw/);
  });

  it("the connectTimeoutMs option overrides the URL", async () => {
    const open = openPostgresStores({
      url: `postgres://u@127.0.0.1:${port}/db?connect_timeout=600`,
      connectTimeoutMs: 500,
    });
    await expect(open).rejects.toThrow(`at 127.0.0.1:${port} within 0.5 s`);
  });
});

describe("failed opens logged with pino", () => {
  it("never carry the URL's password, in the message, the cause or any field", async () => {
    const lines: string[] = [];
    const logger = pino({}, { write: (line: string) => lines.push(line) });
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    for (const url of [
      `postgres://u:s3cr3t-pw@127.0.0.1:${port}/db`,
      `postgresql://127.0.0.1:${port}/db?user=u&password=s3cr3t-pw`,
      "postgres://u:s3cr3t-pw@[not-a-host/db",
      "postgres://u:s3cr3t-pw@h/db?connect_timeout=soon",
    ]) {
      const error = await openStores(url).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).not.toBeNull();
      logger.error({ err: error }, "open failed");
    }
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain("s3cr3t-pw");
  });
});

describePg("PostgreSQL open modes and query timeout", () => {
  it("mustExist on a schema without a store is StoreNotFoundError and creates nothing", async () => {
    const schema = freshSchema();
    const open = openPostgresStores({ url: pgUrl(), schema, mustExist: true });
    await expect(open).rejects.toBeInstanceOf(StoreNotFoundError);
    await expect(open).rejects.toThrow(`(schema "${schema}")`);
    const client = new pg.Client({ connectionString: pgUrl() });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT 1 FROM information_schema.schemata WHERE schema_name = $1",
        [schema],
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
    await (await openPostgresStores({ url: pgUrl(), schema })).close();
    await (await openPostgresStores({ url: pgUrl(), schema, mustExist: true })).close();
  });

  it("a statement that runs past queryTimeoutMs fails with STORE_UNAVAILABLE", async () => {
    const schema = freshSchema();
    const stores = await openPostgresStores({ url: pgUrl(), schema, queryTimeoutMs: 300 });
    const locker = new pg.Client({ connectionString: pgUrl() });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`LOCK TABLE "${schema}".jobs IN ACCESS EXCLUSIVE MODE`);
      const read = stores.jobs.list({ limit: 1 });
      await expect(read).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(read).rejects.toThrow(/got no answer within the query timeout/);
    } finally {
      await locker.query("ROLLBACK").catch(() => undefined);
      await locker.end();
      await stores.close();
    }
  });
});
