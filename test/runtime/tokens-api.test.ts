import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../../src/core/errors.js";
import { formatTokenText, parseTokenText } from "../../src/core/tokens.js";
import { createTokensApi, hashTokenSecret } from "../../src/runtime/tokens-api.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { MemoryTokenStore } from "../helpers/memory-token-store.js";

const T0 = Date.parse("2026-12-01T00:00:00Z");

function setup() {
  const clock = new ManualClock(T0);
  const store = new MemoryTokenStore();
  const api = createTokensApi({ store, clock });
  return { clock, store, api };
}

describe("tokens api", () => {
  it("creates a kairos_<id>_<secret> token whose secret is stored only as its sha256", async () => {
    const { store, api } = setup();
    const created = await api.create({ scope: "write" });
    const parsed = parseTokenText(created.token);
    expect(parsed).not.toBeNull();
    expect(parsed!.id).toMatch(/^[0-9a-f]{20}$/);
    expect(Buffer.from(parsed!.secret, "base64url")).toHaveLength(32);
    expect(created.info).toMatchObject({
      id: parsed!.id,
      name: `token-${parsed!.id}`,
      scope: "write",
    });
    const row = store.rows.get(parsed!.id)!;
    expect(row.secretHash).toBe(hashTokenSecret(parsed!.secret));
    expect(JSON.stringify(row)).not.toContain(parsed!.secret);
  });

  it("verifies a valid token and answers null for malformed, unknown, wrong and revoked ones", async () => {
    const { api } = setup();
    const { token, info } = await api.create({ scope: "read", name: "ci" });
    expect(await api.verify(token)).toMatchObject({ id: info.id, name: "ci", scope: "read" });
    const { id, secret } = parseTokenText(token)!;
    expect(await api.verify("Bearer nonsense")).toBeNull();
    expect(await api.verify(formatTokenText("abcdefgh12", secret))).toBeNull();
    // Same length, one character changed: the timing-safe comparison path.
    const wrong = (secret[0] === "A" ? "B" : "A") + secret.slice(1);
    expect(wrong).toHaveLength(secret.length);
    expect(await api.verify(formatTokenText(id, wrong))).toBeNull();
    await api.revoke(id);
    expect(await api.verify(token)).toBeNull();
  });

  it("validates names and scopes, and refuses an active duplicate name", async () => {
    const { api } = setup();
    await expect(api.create({ scope: "read", name: "" })).rejects.toBeInstanceOf(ValidationError);
    await expect(api.create({ scope: "read", name: "a b" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(api.create({ scope: "read", name: "x".repeat(65) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(api.create({ scope: "admin" as "read" })).rejects.toBeInstanceOf(ValidationError);
    const first = await api.create({ scope: "read", name: "deploy.bot-1_a" });
    await expect(api.create({ scope: "read", name: "deploy.bot-1_a" })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await api.revoke(first.info.id);
    await expect(api.create({ scope: "write", name: "deploy.bot-1_a" })).resolves.toBeDefined();
  });

  it("revoke is idempotent and throws NotFoundError for an unknown id", async () => {
    const { api, clock } = setup();
    const { info } = await api.create({ scope: "read" });
    const first = await api.revoke(info.id);
    clock.advance(1000);
    const again = await api.revoke(info.id);
    expect(again.revokedAt).toEqual(first.revokedAt);
    await expect(api.revoke("nosuchtoken1")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists tokens without a secret or hash field", async () => {
    const { api } = setup();
    const { token } = await api.create({ scope: "write", name: "one" });
    await api.create({ scope: "read", name: "two" });
    const list = await api.list();
    expect(list.map((t) => t.name)).toEqual(["one", "two"]);
    for (const info of list) {
      expect(Object.keys(info).sort()).toEqual(
        ["createdAt", "id", "lastUsedAt", "name", "revokedAt", "scope"].sort(),
      );
    }
    expect(JSON.stringify(list)).not.toContain(parseTokenText(token)!.secret);
  });

  it("sees a revoke by another api instance only after the 5 s cache expires", async () => {
    const { api, store, clock } = setup();
    const other = createTokensApi({ store, clock });
    const { token, info } = await api.create({ scope: "write" });
    expect(await api.verify(token)).not.toBeNull();
    expect(await api.activeCount()).toBe(1);
    await other.revoke(info.id);
    clock.advance(4_999);
    expect(await api.verify(token)).not.toBeNull();
    expect(await api.activeCount()).toBe(1);
    clock.advance(1);
    expect(await api.verify(token)).toBeNull();
    expect(await api.activeCount()).toBe(0);
  });

  it("a create or revoke through the same api clears its caches at once", async () => {
    const { api, store } = setup();
    expect(await api.activeCount()).toBe(0);
    const { token, info } = await api.create({ scope: "write" });
    expect(await api.activeCount()).toBe(1);
    expect(await api.verify(token)).not.toBeNull();
    const reads = store.calls.get;
    expect(await api.verify(token)).not.toBeNull();
    expect(store.calls.get).toBe(reads);
    await api.revoke(info.id);
    expect(await api.verify(token)).toBeNull();
    expect(await api.activeCount()).toBe(0);
  });

  it("records a token's last use at most once a minute", async () => {
    const { api, store, clock } = setup();
    const { token, info } = await api.create({ scope: "read" });
    await api.verify(token);
    expect(store.calls.touch).toBe(1);
    expect(store.rows.get(info.id)!.lastUsedAt).toBe(T0);
    clock.advance(30_000);
    await api.verify(token);
    expect(store.calls.touch).toBe(1);
    clock.advance(30_000);
    await api.verify(token);
    expect(store.calls.touch).toBe(2);
    expect(store.rows.get(info.id)!.lastUsedAt).toBe(T0 + 60_000);
  });

  it("does not cache a row read before a revoke through the same api finished", async () => {
    const { api, store } = setup();
    const { token, info } = await api.create({ scope: "write" });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const getToken = store.getToken.bind(store);
    store.getToken = async (id) => {
      const row = await getToken(id);
      await gate;
      return row;
    };
    const slow = api.verify(token); // reads the row before the revoke, returns after it
    await new Promise((r) => setImmediate(r));
    store.getToken = getToken;
    await api.revoke(info.id);
    release();
    await slow;
    expect(await api.verify(token)).toBeNull();
  });
});
