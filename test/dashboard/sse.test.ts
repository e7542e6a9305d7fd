import { describe, expect, it } from "vitest";
import { followSse, SseParser, type SseMessage } from "../../dashboard/src/api/sse.js";

const body = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(new TextEncoder().encode(s));
      c.close();
    },
  });

describe("dashboard SSE parser", () => {
  it("dispatches messages split anywhere, with LF, CR and CRLF lines", () => {
    const p = new SseParser();
    const text =
      'retry: 3000\n: keepalive\n\nid: 1\nevent: job:succeeded\ndata: {"a":\r\ndata: 1}\r\n\r\nid: 2\rdata: x\r\r\n';
    const out: SseMessage[] = [];
    for (const ch of text) out.push(...p.push(ch));
    expect(out).toEqual([
      { id: "1", event: "job:succeeded", data: '{"a":\n1}' },
      { id: "2", event: "message", data: "x" },
    ]);
    expect(p.retryMs).toBe(3000);
  });

  it("keeps the last id for later messages and ignores fields it does not know", () => {
    const p = new SseParser();
    expect(p.push("id: 7\nfoo: bar\ndata\n\nevent: reset\ndata: {}\n\n")).toEqual([
      { id: "7", event: "message", data: "" },
      { id: "7", event: "reset", data: "{}" },
    ]);
  });
});

describe("dashboard SSE follower", () => {
  it("reconnects after a drop with Last-Event-ID, and throws a 4xx", async () => {
    const ac = new AbortController();
    const asked: (string | undefined)[] = [];
    const answers = [
      () => new Response(body("id: 1\ndata: a\n\nid: 2\ndata: b\n\n")),
      () => new Response("down", { status: 503 }),
      () => {
        throw new TypeError("fetch failed");
      },
      () => new Response(body("id: 3\ndata: c\n\n")),
      () => new Response(JSON.stringify({ error: { code: "UNAUTHORIZED" } }), { status: 401 }),
    ];
    const got: string[] = [];
    const run = async () => {
      for await (const m of followSse({
        signal: ac.signal,
        open: async (last) => {
          asked.push(last);
          return answers[asked.length - 1]!();
        },
        fail: async (res) => new Error(`refused ${res.status}`),
        sleep: async () => {},
      }))
        got.push(m.data);
    };
    await expect(run()).rejects.toThrow("refused 401");
    expect(got).toEqual(["a", "b", "c"]);
    expect(asked).toEqual([undefined, "2", "2", "2", "3"]);
  });

  it("stops when the signal aborts", async () => {
    const ac = new AbortController();
    const got: string[] = [];
    for await (const m of followSse({
      signal: ac.signal,
      open: async () => new Response(body("data: a\n\n")),
      fail: async () => new Error("no"),
      sleep: async () => {},
    })) {
      got.push(m.data);
      ac.abort();
    }
    expect(got).toEqual(["a"]);
  });
});
