import { describe, expect, it } from "vitest";
import { apiFixture } from "./fixture.js";

type Doc = { paths: Record<string, Record<string, { "x-kairos-scope": string }>> };

async function walk() {
  const f = await apiFixture();
  const [job] = await f.kairos.enqueueMany("send-email", [{ to: "a" }]);
  await f.kairos.schedules.create({ name: "nightly", fn: "send-email", cron: "0 3 * * *" });
  const doc = (await (await f.call("GET", "/api/v1/openapi.json")).json()) as Doc;
  const ops: { method: string; url: string; scope: string }[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const url = p.replace("{id}", job!.id).replace("{name}", "nightly").replace("{task}", "t");
      ops.push({ method: method.toUpperCase(), url, scope: op["x-kairos-scope"] });
    }
  }
  const snapshot = async () =>
    JSON.stringify({
      jobs: await f.kairos.jobs.list({ limit: 1000 }),
      schedules: await f.kairos.schedules.list(),
      // A token's use is recorded (lastUsedAt); that is not a write the request asked for.
      tokens: (await f.tokens.list()).map(({ lastUsedAt: _used, ...rest }) => rest),
    });
  return { ...f, ops, snapshot };
}

const codeOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe("auth over every operation of the served document", () => {
  it("refuses every write without a token (401), with a read token (403), with a garbage or revoked token (401), and writes nothing", async () => {
    const f = await walk();
    const revoked = (await f.tokens.create({ scope: "write", name: "old" })).token;
    await f.tokens.revoke(revoked.split("_")[1]!);
    const before = await f.snapshot();
    const writes = f.ops.filter((o) => o.method !== "GET" && o.scope !== "read");
    expect(writes.length).toBeGreaterThanOrEqual(20);
    for (const op of writes) {
      const label = `${op.method} ${op.url}`;
      const body = {};
      const none = await f.call(op.method, op.url, { body });
      expect(none.status, label).toBe(401);
      expect(none.headers.get("www-authenticate"), label).toBe('Bearer realm="kairos"');
      expect(await codeOf(none), label).toBe("UNAUTHORIZED");
      const readOnly = await f.call(op.method, op.url, { body, token: f.read });
      expect(readOnly.status, label).toBe(403);
      expect(
        ((await readOnly.json()) as { error: { details: unknown } }).error.details,
        label,
      ).toEqual({ required: "write" });
      expect(
        (await f.call(op.method, op.url, { body, token: "kairos_abcdefgh_" + "x".repeat(30) }))
          .status,
        label,
      ).toBe(401);
      expect((await f.call(op.method, op.url, { body, token: revoked })).status, label).toBe(401);
    }
    expect(await f.snapshot()).toBe(before);
  });

  it("lets a read token through every GET (except /tokens) and POST /plan; none without a token", async () => {
    const f = await walk();
    const reads = f.ops.filter((o) => o.scope === "read" && !o.url.endsWith("/events"));
    expect(reads.map((o) => `${o.method} ${o.url}`)).toContain("POST /api/v1/plan");
    for (const op of reads) {
      const label = `${op.method} ${op.url}`;
      const body = op.method === "GET" ? undefined : { file: "kairos.yaml", text: "", vars: {} };
      expect((await f.call(op.method, op.url, { body })).status, label).toBe(401);
      const res = await f.call(op.method, op.url, { body, token: f.read });
      expect([401, 403], label).not.toContain(res.status);
    }
    expect((await f.call("GET", "/api/v1/tokens", { token: f.read })).status).toBe(403);
    expect((await f.call("GET", "/api/v1/tokens", { token: f.write })).status).toBe(200);
  });

  it("whoami says the token's scope and id", async () => {
    const f = await walk();
    const res = await f.call("GET", "/api/v1/whoami", { token: f.read });
    expect(await res.json()).toMatchObject({
      scope: "read",
      auth: "token",
      version: "test",
      store: "sqlite",
    });
  });
});

describe("loopback-open mode (no active token)", () => {
  const open = (peer: string) => apiFixture({ mode: "loopback-open", tokens: false, peer });

  it("lets a loopback peer with a loopback Host in with write scope", async () => {
    const f = await open("127.0.0.1");
    for (const host of ["127.0.0.1:7070", "localhost", "[::1]:7070"]) {
      const res = await f.call("GET", "/api/v1/whoami", { headers: { host } });
      expect(res.status, host).toBe(200);
      expect(await res.json()).toMatchObject({ scope: "write", auth: "loopback-open" });
    }
    expect(
      (await f.call("POST", "/api/v1/jobs", { body: { fn: "send-email", payload: {} } })).status,
    ).toBe(201);
  });

  it("refuses a non-loopback peer and a foreign Host (DNS rebinding)", async () => {
    const f = await open("10.0.0.5");
    expect((await f.call("GET", "/api/v1/whoami", { headers: { host: "127.0.0.1" } })).status).toBe(
      401,
    );
    f.peer.address = "::1";
    expect(
      (await f.call("GET", "/api/v1/whoami", { headers: { host: "evil.example" } })).status,
    ).toBe(401);
    expect((await f.call("GET", "/api/v1/whoami", { headers: { host: "127.0.0.1" } })).status).toBe(
      200,
    );
  });

  it("requires a token again once one is active", async () => {
    const f = await open("127.0.0.1");
    await f.tokens.create({ scope: "read" });
    expect((await f.call("GET", "/api/v1/whoami", { headers: { host: "localhost" } })).status).toBe(
      401,
    );
  });
});
