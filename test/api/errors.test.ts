import { describe, expect, it } from "vitest";
import { apiFixture } from "./fixture.js";

type ErrBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

describe("error mapping", () => {
  it("POST /jobs answers 201 when created and 200 when the idempotency key matched", async () => {
    const f = await apiFixture();
    const body = { fn: "send-email", payload: { to: "a" }, idempotencyKey: "k1" };
    const first = await f.call("POST", "/api/v1/jobs", { body, token: f.write });
    expect(first.status).toBe(201);
    const again = await f.call("POST", "/api/v1/jobs", { body, token: f.write });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(
      ((await first.json()) as { id: string }).id,
    );
  });

  it("answers 409 CONFLICT with existingJobId for a reused key with another payload", async () => {
    const f = await apiFixture();
    const made = await f.call("POST", "/api/v1/jobs", {
      body: { fn: "send-email", payload: 1, idempotencyKey: "k" },
      token: f.write,
    });
    const id = ((await made.json()) as { id: string }).id;
    const res = await f.call("POST", "/api/v1/jobs", {
      body: { fn: "send-email", payload: 2, idempotencyKey: "k" },
      token: f.write,
    });
    expect(res.status).toBe(409);
    const b = (await res.json()) as ErrBody;
    expect(b.error.code).toBe("CONFLICT");
    expect(b.error.details).toEqual({ existingJobId: id });
  });

  it("answers 400 VALIDATION naming a missing field as required, not in zod's words", async () => {
    const f = await apiFixture();
    const res = await f.call("POST", "/api/v1/jobs", {
      body: { fn: "send-email" },
      token: f.write,
    });
    expect(res.status).toBe(400);
    const b = (await res.json()) as ErrBody;
    expect(b.error.code).toBe("VALIDATION");
    expect(b.error.message).toBe("invalid request body: payload: required (missing)");
  });

  it("answers 422 UNKNOWN_FUNCTION with the suggestion", async () => {
    const f = await apiFixture();
    const res = await f.call("POST", "/api/v1/jobs", {
      body: { fn: "send-emial", payload: {} },
      token: f.write,
    });
    expect(res.status).toBe(422);
    const b = (await res.json()) as ErrBody;
    expect(b.error.code).toBe("UNKNOWN_FUNCTION");
    expect(b.error.details).toEqual({ fn: "send-emial", suggestion: "send-email" });
  });

  it("answers 429 QUEUE_FULL with Retry-After", async () => {
    const f = await apiFixture();
    f.kairos.define("bounded", async () => null, { maxPending: 1 });
    const body = { fn: "bounded", payload: {} };
    expect((await f.call("POST", "/api/v1/jobs", { body, token: f.write })).status).toBe(201);
    const res = await f.call("POST", "/api/v1/jobs", { body, token: f.write });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as ErrBody).error).toMatchObject({
      code: "QUEUE_FULL",
      details: { fn: "bounded", maxPending: 1 },
    });
  });

  it("answers 404 NOT_FOUND for an unknown job, schedule and run", async () => {
    const f = await apiFixture();
    for (const url of [
      "/api/v1/jobs/nope",
      "/api/v1/schedules/nope",
      "/api/v1/runs/nope",
      "/api/v1/jobs/nope/logs",
    ]) {
      const res = await f.call("GET", url, { token: f.read });
      expect(res.status, url).toBe(404);
      expect(((await res.json()) as ErrBody).error.code, url).toBe("NOT_FOUND");
    }
  });

  it("answers 503 SHUTTING_DOWN with Retry-After once the engine stopped", async () => {
    const f = await apiFixture();
    await f.kairos.stop({ drainMs: 0 });
    const res = await f.call("POST", "/api/v1/jobs", {
      body: { fn: "send-email", payload: {} },
      token: f.write,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(((await res.json()) as ErrBody).error.code).toBe("SHUTTING_DOWN");
  });

  it("answers 500 INTERNAL with the request id for an unexpected error, and logs it", async () => {
    const f = await apiFixture();
    (f.client.jobs as { get: unknown }).get = async () => {
      throw new TypeError("boom");
    };
    const res = await f.call("GET", "/api/v1/jobs/1", {
      token: f.read,
      headers: { "x-request-id": "req-42" },
    });
    expect(res.status).toBe(500);
    const b = (await res.json()) as ErrBody;
    expect(b.error).toMatchObject({ code: "INTERNAL", details: { requestId: "req-42" } });
    expect(b.error.message).not.toContain("boom");
  });
});
