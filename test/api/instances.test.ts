/**
 * GET /api/v1/instances: the deployment's processes for a read token, the same through the
 * LocalClient and the HttpClient; empty while no process has started.
 */
import os from "node:os";
import { describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http.js";
import { apiFixture } from "./fixture.js";

describe("GET /api/v1/instances", () => {
  it("lists the started process as the live leader, with its duties; empty before", async () => {
    const f = await apiFixture();
    const before = await f.call("GET", "/api/v1/instances", { token: f.read });
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ items: [] });

    await f.kairos.start({ workers: false });
    const res = await f.call("GET", "/api/v1/instances", { token: f.read });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Record<string, unknown>[] };
    expect(body.items).toEqual([
      expect.objectContaining({
        host: os.hostname(),
        pid: process.pid,
        leader: true,
        live: true,
        slots: null,
        running: null,
        functions: ["send-email"],
        duties: expect.arrayContaining([expect.objectContaining({ name: "scheduler" })]),
      }),
    ]);
    const http = new HttpClient({
      url: "http://localhost",
      token: f.read!,
      fetch: ((url: string, init?: RequestInit) => f.app.request(url, init)) as typeof fetch,
    });
    const [viaHttp] = await http.instances();
    const [viaLocal] = await f.client.instances();
    expect(viaHttp).toMatchObject({ instance: viaLocal!.instance, leader: true, live: true });
  });

  it("needs a token", async () => {
    const f = await apiFixture();
    expect((await f.call("GET", "/api/v1/instances")).status).toBe(401);
  });
});
