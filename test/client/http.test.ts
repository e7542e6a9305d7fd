import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http.js";
import { ConflictError, UnknownFunctionError, ValidationError } from "../../src/core/errors.js";
import type { FeedItem } from "../../src/runtime/client.js";
import { openSqliteJobStore } from "../../src/stores/sqlite/index.js";
import { apiFixture } from "../api/fixture.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function both() {
  const f = await apiFixture();
  const http = new HttpClient({
    url: "http://localhost",
    token: f.write!,
    fetch: ((url: string, init?: RequestInit) => f.app.request(url, init)) as typeof fetch,
  });
  return { ...f, local: f.client, http };
}

describe("HttpClient against the API over a LocalClient", () => {
  it("gives the same results as the LocalClient, instants as Dates, payload text untouched", async () => {
    const { local, http } = await both();
    const payload = { createdAt: "2026-01-01T00:00:00.000Z", n: 1 };
    const made = await http.enqueue("send-email", [payload], { idempotencyKey: "k" });
    expect(made.created).toEqual([true]);
    expect((await http.enqueue("send-email", [payload], { idempotencyKey: "k" })).created).toEqual([
      false,
    ]);
    const id = made.jobs[0]!.id;
    const remote = await http.jobs.get(id);
    expect(remote!.createdAt).toBeInstanceOf(Date);
    expect((remote!.payload as typeof payload).createdAt).toBe(payload.createdAt);
    expect(JSON.stringify(remote)).toBe(JSON.stringify(await local.jobs.get(id)));
    expect(JSON.stringify(await http.jobs.list())).toBe(JSON.stringify(await local.jobs.list()));
    await http.schedules.create({ name: "nightly", fn: "send-email", cron: "0 3 * * *" });
    expect(JSON.stringify(await http.schedules.list())).toBe(
      JSON.stringify(await local.schedules.list()),
    );
    const next = await http.schedules.nextFires("nightly", 3);
    expect(next[0]).toBeInstanceOf(Date);
    expect(JSON.stringify(next)).toBe(
      JSON.stringify(await local.schedules.nextFires("nightly", 3)),
    );
    expect(JSON.stringify(await http.schedules.pause("nightly", "maintenance"))).toBe(
      JSON.stringify(await local.schedules.get("nightly")),
    );
    expect(await http.jobs.get("404")).toBeNull();
    expect(await http.jobs.logs("404")).toEqual([]);
  });

  it("rebuilds the server's error as the same class with the same message", async () => {
    const { local, http } = await both();
    const localErr = await local.enqueue("send-emial", [{}]).catch((e: unknown) => e);
    const remoteErr = await http.enqueue("send-emial", [{}]).catch((e: unknown) => e);
    expect(remoteErr).toBeInstanceOf(UnknownFunctionError);
    expect((remoteErr as Error).message).toBe((localErr as Error).message);
    await http.enqueue("send-email", [1], { idempotencyKey: "x" });
    const conflict = await http
      .enqueue("send-email", [2], { idempotencyKey: "x" })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    const bad = await http.jobs.list({ state: "nope" as never }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
  });

  it("follows nextCursor until the facade's limit is reached", async () => {
    const { http, kairos } = await both();
    await kairos.enqueueMany(
      "send-email",
      Array.from({ length: 1000 }, (_, i) => i),
    );
    await kairos.enqueueMany(
      "send-email",
      Array.from({ length: 300 }, (_, i) => i),
    );
    const all = await http.jobs.list({ limit: 1200 });
    expect(all).toHaveLength(1200);
    expect(new Set(all.map((j) => j.id)).size).toBe(1200);
  });

  it("searches jobs by text through the facade, the API (q) and HttpClient alike", async () => {
    const { http, local, kairos, call, read } = await both();
    await kairos.enqueueMany("send-email", [1, 2, 3]);
    const keyed = await local.enqueue("send-email", [{}], { idempotencyKey: "Invoice-42" });
    const id = keyed.jobs[0]!.id;
    const remote = await http.jobs.list({ search: "invoice-4" });
    expect(remote.map((j) => j.id)).toEqual([id]);
    expect(JSON.stringify(remote)).toBe(
      JSON.stringify(await local.jobs.list({ search: "invoice-4" })),
    );
    expect((await http.jobs.list({ search: id })).map((j) => j.id)).toEqual([id]);
    expect(await http.jobs.list({ search: "no such text" })).toEqual([]);
    expect(await local.jobs.list({ search: "" })).toHaveLength(4);
    const q = encodeURIComponent("INVOICE");
    const res = await call("GET", `/api/v1/jobs?q=${q}&limit=10`, { token: read });
    expect(((await res.json()) as { items: { id: string }[] }).items.map((j) => j.id)).toEqual([
      id,
    ]);
    const long = await call("GET", `/api/v1/jobs?q=${"x".repeat(201)}`, { token: read });
    expect(long.status).toBe(400);
    const tooLong = await local.jobs.list({ search: "x".repeat(201) }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ValidationError);
  });

  it("asks for as many log lines as the facade accepts (jobs show reads up to 100,000)", async () => {
    const { http, local, kairos, call, read } = await both();
    const [job] = await kairos.enqueueMany("send-email", [{}]);
    expect(await http.jobs.logs(job!.id, 100_000)).toEqual(await local.jobs.logs(job!.id, 100_000));
    const res = await call("GET", `/api/v1/jobs/${job!.id}/logs?limit=100000`, { token: read });
    expect(res.status).toBe(200);
    const over = await call("GET", `/api/v1/jobs/${job!.id}/logs?limit=100001`, { token: read });
    expect(over.status).toBe(400);
  });
});

describe("GET /jobs/{id}/logs?after", () => {
  it("answers only the lines appended after the cursor, and the cursor to go on from", async () => {
    const { http, local, kairos, call, read, file } = await both();
    const [job] = await kairos.enqueueMany("send-email", [{}]);
    const writer = await openSqliteJobStore({ path: file });
    const line = (message: string) =>
      ({ jobId: job!.id, attempt: 1, at: Date.now(), level: "info", message }) as const;
    await writer.appendLogs([line("one"), line("two")]);
    const url = `/api/v1/jobs/${job!.id}/logs`;
    const first = (await (await call("GET", url, { token: read })).json()) as LogPage;
    expect(first.items.map((l) => l.message)).toEqual(["one", "two"]);
    expect(first.cursor).toBe(first.items[1]!.seq);
    const none = (await (
      await call("GET", `${url}?after=${first.cursor}`, { token: read })
    ).json()) as LogPage;
    expect(none).toEqual({ items: [], cursor: first.cursor });
    await writer.appendLogs([line("three")]);
    await writer.close();
    const next = (await (
      await call("GET", `${url}?after=${first.cursor}`, { token: read })
    ).json()) as LogPage;
    expect(next.items.map((l) => l.message)).toEqual(["three"]);
    expect(next.cursor).toBeGreaterThan(first.cursor);
    expect(await http.jobs.logs(job!.id, undefined, first.cursor)).toEqual(
      await local.jobs.logs(job!.id, undefined, first.cursor),
    );
    expect((await http.jobs.logs(job!.id, undefined, first.cursor)).map((l) => l.message)).toEqual([
      "three",
    ]);
    expect((await call("GET", `${url}?after=-1`, { token: read })).status).toBe(400);
  });
});

type LogPage = { items: { message: string; seq: number }[]; cursor: number };

describe("HttpClient.subscribe over a real socket", () => {
  it("receives feed events, and resumes after an id without duplicates", async () => {
    const f = await apiFixture();
    const server = serve({ fetch: f.app.fetch, hostname: "127.0.0.1", port: 0 });
    closers.push(() => new Promise((r) => server.close(() => r())));
    await new Promise<void>((r) => (server.listening ? r() : server.once("listening", () => r())));
    const { port } = server.address() as AddressInfo;
    const http = new HttpClient({ url: `http://127.0.0.1:${port}`, token: f.read! });
    const ev = (subject: string) => ({
      at: new Date(),
      name: "job:queued",
      kind: "job" as const,
      fn: "send-email",
      workflow: null,
      subject,
      instance: "i",
      data: {},
    });
    f.feed.push(ev("a"));
    f.feed.push(ev("b"));
    const ac = new AbortController();
    const seen: FeedItem[] = [];
    const reading = (async () => {
      for await (const item of http.subscribe(
        { kinds: ["job"] },
        { after: 1, signal: ac.signal },
      )) {
        seen.push(item);
        if (seen.length === 1) f.feed.push(ev("c"));
        if (seen.length === 2) ac.abort();
      }
    })();
    await reading;
    expect(seen.map((s) => (s.type === "event" ? s.event.subject : "reset"))).toEqual(["b", "c"]);
    expect(seen[0]!.type === "event" && seen[0]!.event.at).toBeInstanceOf(Date);
  });
});
