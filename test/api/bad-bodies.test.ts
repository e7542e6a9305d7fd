import http from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { apiFixture } from "./fixture.js";

type Doc = { paths: Record<string, Record<string, { requestBody?: unknown }>> };
type ErrBody = { error?: { code?: string } };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function bodyOps() {
  const f = await apiFixture({ maxBodyBytes: 64 * 1024 });
  const [job] = await f.kairos.enqueueMany("send-email", [{}]);
  await f.kairos.schedules.create({ name: "nightly", fn: "send-email", cron: "0 3 * * *" });
  const doc = (await (await f.call("GET", "/api/v1/openapi.json")).json()) as Doc;
  const ops: { method: string; url: string }[] = [];
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op.requestBody === undefined) continue;
      ops.push({
        method: method.toUpperCase(),
        url: p.replace("{id}", job!.id).replace("{name}", "nightly").replace("{task}", "t"),
      });
    }
  }
  return { f, ops };
}

function expect4xx(status: number, body: ErrBody, label: string) {
  expect(status, label).toBeGreaterThanOrEqual(400);
  expect(status, label).toBeLessThan(500);
  expect(typeof body.error?.code, label).toBe("string");
}

describe("bad request bodies on every operation with a body", () => {
  it("wrong types, invalid JSON and text/plain get a 4xx with error.code, never a 5xx", async () => {
    const { f, ops } = await bodyOps();
    expect(ops.length).toBeGreaterThanOrEqual(18);
    for (const op of ops) {
      const cases: [string, string, string][] = [
        ["[]", "application/json", "array"],
        ['"x"', "application/json", "string"],
        [
          '{"fn":1,"payloads":"x","tasks":7,"state":3,"scope":"root","text":1,"note":5,"from":{},"requestedBy":2}',
          "application/json",
          "wrong types",
        ],
        ['{"fn": "a",', "application/json", "invalid JSON"],
        ["hello", "text/plain", "text/plain"],
      ];
      for (const [body, type, what] of cases) {
        const label = `${op.method} ${op.url} (${what})`;
        const res = await f.call(op.method, op.url, {
          body,
          token: f.write,
          headers: { "content-type": type },
        });
        expect4xx(res.status, (await res.json()) as ErrBody, label);
        if (what === "invalid JSON") expect(res.status, label).toBe(400);
        if (what === "text/plain") expect(res.status, label).toBe(415);
      }
    }
  });

  it("reports where invalid JSON stops being valid", async () => {
    const { f } = await bodyOps();
    const res = await f.call("POST", "/api/v1/jobs", { body: '{"fn": "a",}', token: f.write });
    expect(res.status).toBe(400);
    const b = (await res.json()) as {
      error: { code: string; message: string; details: { position: number } };
    };
    expect(b.error).toMatchObject({ code: "VALIDATION", details: { position: 11 } });
    expect(b.error.message).toContain("position 11");
  });

  it("answers 413 PAYLOAD_TOO_LARGE to a 10 MB body with and without Content-Length (real socket); a declared length is refused before the body is sent", async () => {
    const { f, ops } = await bodyOps();
    const server = serve({ fetch: f.app.fetch, hostname: "127.0.0.1", port: 0 });
    closers.push(() => new Promise((r) => server.close(() => r())));
    await new Promise<void>((r) => (server.listening ? r() : server.once("listening", () => r())));
    const { port } = server.address() as AddressInfo;
    const big = Buffer.alloc(10 * 1024 * 1024, "a");
    for (const op of ops) {
      for (const chunked of [false, true]) {
        const label = `${op.method} ${op.url} chunked=${chunked}`;
        const { status, body } = await send(port, op, f.write!, big, chunked);
        expect(status, label).toBe(413);
        expect((JSON.parse(body) as ErrBody).error?.code, label).toBe("PAYLOAD_TOO_LARGE");
      }
    }
  });
});

function send(
  port: number,
  op: { method: string; url: string },
  token: string,
  big: Buffer,
  chunked: boolean,
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
    };
    if (!chunked) headers["content-length"] = big.length;
    const req = http.request(
      { host: "127.0.0.1", port, method: op.method, path: op.url, headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body });
          // A declared body is judged by its header: the upload was never finished.
          if (!chunked) req.destroy();
        });
      },
    );
    let answered = false;
    req.on("response", () => (answered = true));
    // The server answers 413 before reading the whole body and closes: the rest of the upload
    // then fails with EPIPE/ECONNRESET, which is expected once an answer is in.
    req.on("error", (e) => (answered ? undefined : reject(e)));
    req.on("socket", (s) => s.on("error", () => undefined));
    if (chunked) {
      const piece = big.subarray(0, 64 * 1024);
      for (let i = 0; i < big.length / piece.length; i++) req.write(piece);
      req.end();
    } else {
      // Only the headers and a first piece: the answer must come without the other 10 MB
      // (sending them all would race the server's close of an unread upload).
      req.write(big.subarray(0, 64 * 1024));
    }
  });
}
