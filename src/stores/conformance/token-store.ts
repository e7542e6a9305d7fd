/**
 * @module stores/conformance/token-store
 * The contract suite every TokenStore adapter runs. Ports only: no SQL, no adapter internals.
 *
 *   defineTokenStoreConformance("sqlite memory", async () => {
 *     const s = await openSqliteStores({ path: ":memory:" });
 *     return { tokens: s.tokens, close: s.close };
 *   });
 *
 * `open` is called once per test and must return an empty, migrated store.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, ShuttingDownError } from "../../core/errors.js";
import type { TokenRow, TokenStore } from "../../ports/token-store.js";
import { T0 } from "./job-store-fixtures.js";

/** What the suite opens per test. */
export interface OpenedTokenStore {
  readonly tokens: TokenStore;
  close(): Promise<void>;
}

/** A token row (scope read, never used, not revoked) with the given overrides. */
export function tokenRow(overrides: Partial<TokenRow> = {}): TokenRow {
  return {
    id: "tok0000001",
    name: "ci",
    scope: "read",
    secretHash: "a".repeat(64),
    createdAt: T0,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** Declare the TokenStore conformance tests for one adapter. */
export function defineTokenStoreConformance(
  adapterName: string,
  open: () => Promise<OpenedTokenStore>,
): void {
  describe(`TokenStore conformance: ${adapterName}`, () => {
    let opened: OpenedTokenStore | null = null;
    const store = (): TokenStore => opened!.tokens;
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await opened?.close();
      opened = null;
    });

    it("returns exactly the stored row from get and list, hash as given", async () => {
      const row = tokenRow({ scope: "write", secretHash: "f".repeat(64) });
      await store().createToken(row);
      expect(await store().getToken(row.id)).toEqual(row);
      expect(await store().listTokens()).toEqual([row]);
      expect(await store().getToken("unknown000")).toBeNull();
    });

    it("lists oldest first, revoked tokens too", async () => {
      await store().createToken(tokenRow({ id: "tok0000002", name: "b", createdAt: T0 + 2 }));
      await store().createToken(tokenRow({ id: "tok0000001", name: "a", createdAt: T0 + 1 }));
      await store().revokeToken("tok0000002", T0 + 5);
      const list = await store().listTokens();
      expect(list.map((t) => t.id)).toEqual(["tok0000001", "tok0000002"]);
      expect(list[1]!.revokedAt).toBe(T0 + 5);
    });

    it("refuses a taken id with a ConflictError", async () => {
      await store().createToken(tokenRow());
      const error = await store()
        .createToken(tokenRow({ name: "other" }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/id "tok0000001" exists already/);
    });

    it("refuses an active duplicate name, naming the holder and the fixes", async () => {
      await store().createToken(tokenRow());
      const error = await store()
        .createToken(tokenRow({ id: "tok0000002" }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/active token named "ci".*tok0000001/);
      expect((error as Error).message).toMatch(/another --name or revoke the old one/);
      expect(await store().listTokens()).toHaveLength(1);
    });

    it("allows a name again once its token is revoked", async () => {
      await store().createToken(tokenRow());
      await store().revokeToken("tok0000001", T0 + 1);
      await store().createToken(tokenRow({ id: "tok0000002", createdAt: T0 + 2 }));
      expect((await store().listTokens()).map((t) => t.name)).toEqual(["ci", "ci"]);
      expect(await store().countActiveTokens()).toBe(1);
    });

    it("revokes idempotently, keeping the first revocation time; null for unknown", async () => {
      await store().createToken(tokenRow());
      expect((await store().revokeToken("tok0000001", T0 + 10))?.revokedAt).toBe(T0 + 10);
      expect(await store().revokeToken("tok0000001", T0 + 20)).toEqual(
        tokenRow({ revokedAt: T0 + 10 }),
      );
      expect(await store().revokeToken("nope000000", T0)).toBeNull();
    });

    it("counts active tokens only", async () => {
      expect(await store().countActiveTokens()).toBe(0);
      await store().createToken(tokenRow());
      await store().createToken(tokenRow({ id: "tok0000002", name: "b" }));
      await store().revokeToken("tok0000002", T0);
      expect(await store().countActiveTokens()).toBe(1);
    });

    it("throws ShuttingDownError from every method after close", async () => {
      const tokens = store();
      await opened!.close();
      const calls: Record<keyof TokenStore, () => Promise<unknown>> = {
        createToken: () => tokens.createToken(tokenRow()),
        getToken: () => tokens.getToken("tok0000001"),
        listTokens: () => tokens.listTokens(),
        revokeToken: () => tokens.revokeToken("tok0000001", T0),
        countActiveTokens: () => tokens.countActiveTokens(),
        touchToken: () => tokens.touchToken("tok0000001", T0),
      };
      for (const [name, call] of Object.entries(calls)) {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, `${name} after close`).toBeInstanceOf(ShuttingDownError);
      }
    });

    it("records the last use with touchToken", async () => {
      await store().createToken(tokenRow());
      await store().touchToken("tok0000001", T0 + 60_000);
      expect((await store().getToken("tok0000001"))?.lastUsedAt).toBe(T0 + 60_000);
      await store().touchToken("unknown000", T0); // no row, no error
    });
  });
}
