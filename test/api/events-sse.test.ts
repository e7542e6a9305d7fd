import { describe, expect, it } from "vitest";
import { waitFor } from "../helpers/async.js";
import { apiFixture } from "./fixture.js";

const ev = (subject: string, kind: "job" | "run" = "job") => ({
  at: new Date(0),
  name: `${kind}:x`,
  kind,
  fn: kind === "job" ? "send-email" : null,
  workflow: kind === "run" ? "etl" : null,
  subject,
  instance: "i",
  data: {},
});

async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!done(text)) {
    const { value, done: end } = await reader.read();
    if (end) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe("GET /api/v1/events", () => {
  it("sends retry, a reset when Last-Event-ID is older than the feed holds, filtered events with ids, and keepalives", async () => {
    const f = await apiFixture();
    f.feed.push(ev("a"));
    f.feed.push(ev("b"));
    f.feed.oldestId = 2;
    f.feed.push(ev("r", "run"));
    f.feed.push(ev("c"));
    const res = await f.call("GET", "/api/v1/events?kind=job", {
      token: f.read,
      headers: { "last-event-id": "0" },
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await readUntil(res, (t) => t.includes(": keepalive"));
    expect(text).toContain("retry: 3000");
    expect(text.indexOf("event: reset")).toBeLessThan(text.indexOf("id: 2"));
    expect(text).toContain('data: {"oldestId":2}');
    expect(text).toContain("id: 4");
    expect(text).not.toContain("id: 3");
  });

  it("rejects an unknown kind with 422 and answers /events/recent with a page", async () => {
    const f = await apiFixture();
    f.feed.push(ev("a"));
    f.feed.push(ev("r", "run"));
    expect((await f.call("GET", "/api/v1/events?kind=nope", { token: f.read })).status).toBe(422);
    const page = (await (
      await f.call("GET", "/api/v1/events/recent?kind=run", { token: f.read })
    ).json()) as {
      items: { subject: string }[];
      nextAfter: number;
    };
    expect(page.items.map((i) => i.subject)).toEqual(["r"]);
    expect(page.nextAfter).toBe(2);
  });

  it("caps open streams (503 past the cap) and reports the open count as they open and close", async () => {
    const counts: number[] = [];
    const f = await apiFixture({
      realFeed: true,
      app: { maxStreams: 1, onStreams: (n) => counts.push(n) },
    });
    const first = await f.call("GET", "/api/v1/events?after=0", { token: f.read });
    expect(first.status).toBe(200);
    const second = await f.call("GET", "/api/v1/events", { token: f.read });
    expect(second.status).toBe(503);
    await readUntil(first, (t) => t.includes("retry: 3000"));
    await waitFor(() => counts.at(-1) === 0, "the stream to close");
    expect(counts).toEqual([1, 0]);
    expect((await f.call("GET", "/api/v1/events", { token: f.read })).status).toBe(200);
  });

  it("streams what the engine records (the real feed): a job enqueued through the API", async () => {
    const f = await apiFixture({ realFeed: true });
    const res = await f.call("GET", "/api/v1/events?kind=job&after=0", { token: f.read });
    const posted = await f.call("POST", "/api/v1/jobs", {
      token: f.write,
      body: { fn: "send-email", payload: { to: "x" } },
    });
    expect(posted.status).toBe(201);
    const text = await readUntil(res, (t) => t.includes("event: job:queued"));
    expect(text).toMatch(/event: job:queued\ndata: \{.*"fn":"send-email".*\}\nid: \d+\n/);
  });

  it("streams stop and start requests under kind control (the SSE kind filter accepts it)", async () => {
    const f = await apiFixture({ realFeed: true });
    const res = await f.call("GET", "/api/v1/events?kind=control&after=0", { token: f.read });
    expect(res.status).toBe(200);
    const posted = await f.call("POST", "/api/v1/jobs", {
      token: f.write,
      body: { fn: "send-email", payload: { to: "x" } },
    });
    const { id } = (await posted.json()) as { id: string };
    const stop = await f.call("POST", `/api/v1/jobs/${id}/stop`, { token: f.write });
    expect(stop.status).toBe(202);
    const text = await readUntil(res, (t) => t.includes("event: control:requested"));
    expect(text).not.toMatch(/event: job:/);
    expect(text).toMatch(
      new RegExp(`event: control:requested\ndata: [{].*"targetId":"${id}".*"kind":"stop"`),
    );
  });
});
