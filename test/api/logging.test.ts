/**
 * The request log: one JSON line per request with the matched route pattern (never the raw
 * path or a header), an X-Request-Id on every response, 5xx at error level.
 */
import { Writable } from "node:stream";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createLogger, engineLogger, requestLog } from "../../src/api/logging.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination }) };
}

function appWith(logger: ReturnType<typeof createLogger>, seen: string[][] = []): Hono {
  const app = new Hono();
  app.use(
    requestLog(logger, {
      metrics: { observeHttp: (m, r, s) => seen.push([m, r, String(s)]) },
      fields: (c) => ({ tokenId: c.req.header("x-test-token-id") }),
    }),
  );
  app.get("/api/v1/jobs/:id", (c) => c.json({ id: c.req.param("id") }));
  app.post("/api/v1/jobs", () => {
    throw new Error("boom");
  });
  app.onError((_e, c) => c.json({ error: "internal" }, 500));
  return app;
}

describe("request log", () => {
  it("writes one line per request with the route pattern, never the path or the Authorization header", async () => {
    const { lines, logger } = capture();
    const seen: string[][] = [];
    const app = appWith(logger, seen);
    const res = await app.request("/api/v1/jobs/secret-id-42?q=1", {
      headers: { authorization: "Bearer kairos_abc_topsecret", "x-test-token-id": "tok1" },
    });
    expect(res.status).toBe(200);
    logger.flush();
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      method: "GET",
      route: "/api/v1/jobs/:id",
      status: 200,
      tokenId: "tok1",
    });
    expect(typeof line["ms"]).toBe("number");
    expect(line["reqId"]).toBe(res.headers.get("x-request-id"));
    const text = JSON.stringify(lines);
    expect(text).not.toContain("topsecret");
    expect(text).not.toContain("secret-id-42");
    expect(text.toLowerCase()).not.toContain("authorization");
    expect(seen).toEqual([["GET", "/api/v1/jobs/:id", "200"]]);
  });

  it("keeps a usable X-Request-Id from the client and replaces an unusable one", async () => {
    const { lines, logger } = capture();
    const app = appWith(logger);
    const kept = await app.request("/api/v1/jobs/1", { headers: { "x-request-id": "abc-123" } });
    expect(kept.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await app.request("/api/v1/jobs/1", { headers: { "x-request-id": "a b\tc" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    logger.flush();
    expect(lines.map((l) => l["reqId"])).toEqual(["abc-123", replaced.headers.get("x-request-id")]);
  });

  it("logs a 5xx at error level and an unknown route as unmatched", async () => {
    const { lines, logger } = capture();
    const seen: string[][] = [];
    const app = appWith(logger, seen);
    expect((await app.request("/api/v1/jobs", { method: "POST" })).status).toBe(500);
    expect((await app.request("/wp-admin/login.php")).status).toBe(404);
    logger.flush();
    expect(lines.map((l) => [l["level"], l["route"], l["status"]])).toEqual([
      [50, "/api/v1/jobs", 500],
      [30, "unmatched", 404],
    ]);
    expect(seen).toEqual([
      ["POST", "/api/v1/jobs", "500"],
      ["GET", "unmatched", "404"],
    ]);
  });

  it("tags the engine's lines with component engine", () => {
    const { lines, logger } = capture();
    engineLogger(logger).warn({ where: "claim" }, "store error");
    logger.flush();
    expect(lines[0]).toMatchObject({ component: "engine", where: "claim", msg: "store error" });
  });
});
