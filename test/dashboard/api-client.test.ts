import { describe, expect, it } from "vitest";
import { createApi } from "../../dashboard/src/api/client.js";
import { ApiError, errorFromResponse } from "../../dashboard/src/api/errors.js";

describe("dashboard API client", () => {
  it("maps the API's error body to an ApiError with code, message and details", async () => {
    const res = new Response(
      JSON.stringify({
        error: { code: "QUEUE_FULL", message: "queue is full", details: { fn: "x" } },
      }),
      { status: 429 },
    );
    const e = await errorFromResponse(res);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({
      status: 429,
      code: "QUEUE_FULL",
      message: "queue is full",
      details: { fn: "x" },
    });
  });

  it("gives a code and a message for a body that is not the API's", async () => {
    const e = await errorFromResponse(
      new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    );
    expect(e).toMatchObject({
      status: 502,
      code: "HTTP_502",
      message: "the server answered 502 Bad Gateway",
    });
    const empty = await errorFromResponse(
      new Response(JSON.stringify({ error: "nope" }), { status: 401 }),
    );
    expect(empty.code).toBe("HTTP_401");
  });

  it("sends the token, JSON bodies and the query, and throws ApiError on failure", async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    let answer = new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200 });
    const api = createApi({
      token: () => "kairos_a_b",
      baseUrl: "http://h",
      fetch: async (url, init) => {
        calls.push({ url: url as string, init: init! });
        return answer;
      },
    });
    expect(
      await api.call("GET", "/jobs", { query: { state: "failed", fn: "", cursor: undefined } }),
    ).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(calls[0]!.url).toBe("http://h/api/v1/jobs?state=failed");
    expect(new Headers(calls[0]!.init.headers).get("authorization")).toBe("Bearer kairos_a_b");
    answer = new Response(JSON.stringify({ error: { code: "FORBIDDEN", message: "read token" } }), {
      status: 403,
    });
    await expect(api.call("POST", "/jobs/1/cancel", { body: {} })).rejects.toMatchObject({
      code: "FORBIDDEN",
      status: 403,
    });
    expect(new Headers(calls[1]!.init.headers).get("content-type")).toBe("application/json");
    expect(calls[1]!.init.body).toBe("{}");
  });

  it("turns a request that got no answer into a NETWORK error", async () => {
    const api = createApi({
      token: () => null,
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    await expect(api.call("GET", "/whoami")).rejects.toMatchObject({ code: "NETWORK", status: 0 });
  });
});
