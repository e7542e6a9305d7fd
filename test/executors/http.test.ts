import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobCancelledError, UnrecoverableError, ValidationError } from "../../src/core/errors.js";
import { HttpExecutorError, HttpRequestError } from "../../src/executors/errors.js";
import { createHttpHandler } from "../../src/executors/http.js";
import { deferred } from "../helpers/async.js";
import { testContext } from "./ctx.js";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
const received: Received[] = [];
const routes = new Map<string, Route>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const route = routes.get(req.url!);
      if (route) route(req, res, body);
      else res.writeHead(404).end(`no route ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(value));
}

describe("http executor", () => {
  it("POSTs the payload as JSON with the headers and resolves with the parsed JSON body", async () => {
    routes.set("/echo", (req, res, body) =>
      json(res, 200, { got: JSON.parse(body) as unknown, auth: req.headers.authorization }),
    );
    const handler = createHttpHandler({
      url: `${base}/echo`,
      headers: { authorization: "Bearer s3cret", "x-extra": "1" },
    });
    const { ctx } = testContext({ jobId: "job-42", attempt: 2, fn: "notify" });
    const result = await handler({ user: "ada", n: [1, 2] }, ctx);

    expect(result).toEqual({
      status: 200,
      body: { got: { user: "ada", n: [1, 2] }, auth: "Bearer s3cret" },
    });
    const request = received.findLast((r) => r.url === "/echo")!;
    expect(request.method).toBe("POST");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-extra"]).toBe("1");
    expect(request.headers["x-kairos-job-id"]).toBe("job-42");
    expect(request.headers["x-kairos-attempt"]).toBe("2");
    expect(request.headers["x-kairos-function"]).toBe("notify");
    expect(JSON.parse(request.body)).toEqual({ user: "ada", n: [1, 2] });
  });

  it("uses PUT when asked and returns a text body as text", async () => {
    routes.set("/text", (_req, res) =>
      res.writeHead(201, { "content-type": "text/plain" }).end("created"),
    );
    const handler = createHttpHandler({ url: `${base}/text`, method: "PUT" });
    const result = await handler(undefined, testContext().ctx);
    expect(result).toEqual({ status: 201, body: "created" });
    const request = received.findLast((r) => r.url === "/text")!;
    expect(request.method).toBe("PUT");
    expect(request.body).toBe("null");
  });

  it("cuts a 2xx body over 64 KiB and marks it", async () => {
    routes.set("/big", (_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end(`"${"x".repeat(200_000)}"`),
    );
    const result = await createHttpHandler({ url: `${base}/big` })({}, testContext().ctx);
    expect(result.status).toBe(200);
    const body = result.body as string;
    expect(typeof body).toBe("string");
    expect(body.startsWith('"xxx')).toBe(true);
    expect(/…\[truncated: kept the first 65536( of 200002)? bytes\]$/.test(body)).toBe(true);
    expect(body.length).toBeLessThan(65_536 + 100);
  });

  it("fails a 500 with HttpExecutorError giving method, URL, status and a body cut to 1 KiB", async () => {
    routes.set("/fail", (_req, res) =>
      res.writeHead(500).end(`database down ${"y".repeat(5_000)}`),
    );
    const error = await createHttpHandler({ url: `${base}/fail` })({}, testContext().ctx).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpExecutorError);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    const failure = error as HttpExecutorError;
    expect(failure.code).toBe("HTTP_STATUS");
    expect(failure.status).toBe(500);
    expect(failure.bodySnippet.startsWith("database down yyy")).toBe(true);
    expect(failure.bodySnippet.endsWith("…[truncated]")).toBe(true);
    expect(failure.bodySnippet.length).toBeLessThan(1_100);
    expect(failure.message).toContain(`POST ${base}/fail responded with status 500: database down`);
  });

  it("fails a 404 as unrecoverable, wrapping the HttpExecutorError", async () => {
    const error = await createHttpHandler({ url: `${base}/missing` })({}, testContext().ctx).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnrecoverableError);
    const cause = (error as UnrecoverableError).cause as HttpExecutorError;
    expect(cause).toBeInstanceOf(HttpExecutorError);
    expect(cause.status).toBe(404);
    expect((error as Error).message).toContain("status 404: no route /missing");
    expect((error as Error).message).toContain("not retried");
  });

  it("keeps 408 and 429 retryable", async () => {
    for (const status of [408, 429]) {
      routes.set(`/s${status}`, (_req, res) => res.writeHead(status).end("later"));
      const error = await createHttpHandler({ url: `${base}/s${status}` })(
        {},
        testContext().ctx,
      ).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HttpExecutorError);
      expect(error).not.toBeInstanceOf(UnrecoverableError);
      expect((error as HttpExecutorError).status).toBe(status);
    }
  });

  it("does not follow redirects", async () => {
    routes.set("/moved", (_req, res) => res.writeHead(302, { location: "/elsewhere" }).end());
    await expect(
      createHttpHandler({ url: `${base}/moved` })({}, testContext().ctx),
    ).rejects.toThrow(/status 302; redirects are not followed \(Location: \/elsewhere\)/);
  });

  it("fails a slow server with a timeout error after its timeoutMs", async () => {
    const arrived = deferred();
    const closed = deferred();
    routes.set("/slow", (req, res) => {
      arrived.resolve();
      res.on("close", () => closed.resolve());
    });
    const startedAt = Date.now();
    const error = await createHttpHandler({ url: `${base}/slow`, timeoutMs: 200 })(
      {},
      testContext().ctx,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as HttpRequestError).failure).toBe("timeout");
    expect((error as HttpRequestError).code).toBe("HTTP_REQUEST");
    expect((error as Error).message).toBe(
      `POST ${base}/slow failed: timed out after 200 ms (the executor's timeoutMs) without a complete response`,
    );
    await arrived.promise;
    await closed.promise; // The request was really aborted: the server saw the connection go.
  });

  it("aborts the request when ctx.signal aborts and throws the signal's reason", async () => {
    const arrived = deferred();
    const closed = deferred();
    routes.set("/hang", (_req, res) => {
      arrived.resolve();
      res.on("close", () => closed.resolve());
    });
    const { ctx, controller } = testContext();
    const run = createHttpHandler({ url: `${base}/hang` })({}, ctx);
    await arrived.promise;
    const reason = new JobCancelledError();
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    await closed.promise;
  });

  it("says a refused connection is refused", async () => {
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, "127.0.0.1", resolve));
    const port = (closedServer.address() as AddressInfo).port;
    await new Promise((resolve) => closedServer.close(resolve));

    const error = await createHttpHandler({ url: `http://127.0.0.1:${port}/x` })(
      {},
      testContext().ctx,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as HttpRequestError).failure).toBe("network");
    expect((error as HttpRequestError).errno).toBe("ECONNREFUSED");
    expect((error as Error).message).toMatch(
      new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/x failed: connection refused`),
    );
  });

  it("sends credentials in the URL as Basic authorization and redacts the password from messages", async () => {
    const url = new URL(`${base}/fail`);
    url.username = "bot";
    url.password = "hunter2";
    const error = await createHttpHandler({ url: url.href })({}, testContext().ctx).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as Error).message).not.toContain("hunter2");
    expect((error as HttpExecutorError).url).toContain("bot:***@");
    const request = received.findLast((r) => r.url === "/fail")!;
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from("bot:hunter2").toString("base64")}`,
    );
  });

  it("rejects a bad spec when created", () => {
    expect(() => createHttpHandler({ url: "not a url" })).toThrow(ValidationError);
    expect(() => createHttpHandler({ url: "ftp://example.com/" })).toThrow(/http: or https:/);
    expect(() => createHttpHandler({ url: base, method: "GET" as "POST" })).toThrow(
      ValidationError,
    );
    expect(() => createHttpHandler({ url: base, timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => createHttpHandler({ url: base, headers: { "bad header": "x" } })).toThrow(
      /invalid headers/,
    );
    expect(() => createHttpHandler({ url: base, timeoutMs: null })).not.toThrow();
  });

  it("rejects at once with the reason when the signal is already aborted", async () => {
    const { ctx, controller } = testContext();
    const reason = new JobCancelledError();
    controller.abort(reason);
    const before = received.length;
    await expect(createHttpHandler({ url: `${base}/echo` })({}, ctx)).rejects.toBe(reason);
    expect(received.length).toBe(before);
  });
});
