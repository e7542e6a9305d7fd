/** An API app over a LocalClient on a real engine (temp SQLite file), with a read and a write token. */
import path from "node:path";
import { createApp } from "../../src/api/app.js";
import type { AuthOptions } from "../../src/api/types.js";
import { LocalClient } from "../../src/client/local.js";
import { FakeFeed } from "../helpers/fake-feed.js";
import { fileKairos, tempDir } from "../helpers/kairos.js";

/** Build the fixture; `peer` is the peer address the auth middleware sees. */
export async function apiFixture(
  options: {
    mode?: AuthOptions["mode"];
    peer?: string;
    maxBodyBytes?: number;
    tokens?: boolean;
    /** Serve the engine's own event feed instead of a fake one tests push events into. */
    realFeed?: boolean;
    /** More createApp options (stream cap, ...). */
    app?: Partial<Parameters<typeof createApp>[0]>;
  } = {},
) {
  const file = path.join(tempDir(), "kairos.db");
  const kairos = await fileKairos(file, { workers: false } as never);
  kairos.define("send-email", async () => "sent");
  const tokens = kairos.tokens;
  // Most event tests push hand-made events into a fake feed; `realFeed` serves the store's.
  const feed = new FakeFeed();
  const client = new LocalClient({
    kairos,
    target: { kind: "local", store: file, origin: "test" },
  });
  const write =
    options.tokens === false ? null : (await tokens.create({ scope: "write", name: "w" })).token;
  const read =
    options.tokens === false ? null : (await tokens.create({ scope: "read", name: "r" })).token;
  const peer = { address: options.peer ?? "127.0.0.1" };
  const app = createApp({
    client,
    tokens,
    feed: options.realFeed === true ? kairos.feed : feed,
    auth: { mode: options.mode ?? "tokens", peerAddress: () => peer.address },
    limits: { maxBodyBytes: options.maxBodyBytes ?? 2 * 1024 * 1024 },
    info: { version: "test", store: "sqlite" },
    keepaliveMs: 50,
    ...options.app,
  });
  const call = (
    method: string,
    url: string,
    opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    return app.request(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  return { app, kairos, client, tokens, feed, write, read, peer, file, call };
}
