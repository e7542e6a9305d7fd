/** In-memory stand-ins for the token API and the event feed (until the real modules land). */
import { randomBytes } from "node:crypto";
import { ConflictError, NotFoundError } from "../../src/core/errors.js";
import { matchesFeedFilter, type FeedEvent, type FeedFilter } from "../../src/core/feed/types.js";
import {
  formatTokenText,
  parseTokenText,
  type TokenInfo,
  type TokenScope,
} from "../../src/core/tokens.js";
import type {
  CreatedToken,
  EngineTokensApi,
  EventFeedApi,
  FeedItem,
  FeedPage,
  FeedSubscribeOptions,
} from "../../src/runtime/client.js";

/** Tokens in memory: secrets kept in plain text (tests only). */
export class FakeTokens implements EngineTokensApi {
  readonly rows = new Map<string, { info: TokenInfo; secret: string }>();

  async create(options: { scope: TokenScope; name?: string }): Promise<CreatedToken> {
    const id = randomBytes(5).toString("hex");
    const secret = randomBytes(24).toString("base64url");
    const name = options.name ?? `token-${id}`;
    for (const r of this.rows.values()) {
      if (r.info.name === name && r.info.revokedAt === null)
        throw new ConflictError(`a token named "${name}" exists`, "");
    }
    const info: TokenInfo = {
      id,
      name,
      scope: options.scope,
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    };
    this.rows.set(id, { info, secret });
    return { token: formatTokenText(id, secret), info };
  }
  async list(): Promise<TokenInfo[]> {
    return [...this.rows.values()].map((r) => r.info);
  }
  async revoke(id: string): Promise<TokenInfo> {
    const row = this.rows.get(id);
    if (!row) throw new NotFoundError(`no token with id "${id}"`);
    if (row.info.revokedAt === null) row.info = { ...row.info, revokedAt: new Date() };
    return row.info;
  }
  async verify(text: string): Promise<TokenInfo | null> {
    const parsed = parseTokenText(text);
    const row = parsed ? this.rows.get(parsed.id) : undefined;
    if (!row || !parsed || row.secret !== parsed.secret || row.info.revokedAt !== null) return null;
    return row.info;
  }
  async activeCount(): Promise<number> {
    return [...this.rows.values()].filter((r) => r.info.revokedAt === null).length;
  }
}

/** A feed in memory: `push` records an event and wakes subscribers. */
export class FakeFeed implements EventFeedApi {
  readonly events: FeedEvent[] = [];
  private wake: (() => void)[] = [];
  oldestId: number | null = null;

  push(e: Omit<FeedEvent, "id">): FeedEvent {
    const event = { ...e, id: (this.events.at(-1)?.id ?? 0) + 1 };
    this.events.push(event);
    this.oldestId ??= event.id;
    for (const w of this.wake.splice(0)) w();
    return event;
  }
  async read(filter: FeedFilter, after: number, limit = 100): Promise<FeedPage> {
    const rest = this.events.filter((e) => e.id > after);
    const items = rest.filter((e) => matchesFeedFilter(e, filter)).slice(0, limit);
    return { items, nextAfter: items.at(-1)?.id ?? this.events.at(-1)?.id ?? after };
  }
  async bounds() {
    return { oldestId: this.oldestId, newestId: this.events.at(-1)?.id ?? null };
  }
  async *subscribe(
    filter: FeedFilter,
    options: FeedSubscribeOptions = {},
  ): AsyncIterable<FeedItem> {
    let cursor =
      options.after === undefined || options.after === "now"
        ? (this.events.at(-1)?.id ?? 0)
        : options.after;
    if (this.oldestId !== null && cursor < this.oldestId - 1) {
      yield { type: "reset", oldestId: this.oldestId };
      cursor = this.oldestId - 1;
    }
    while (!options.signal?.aborted) {
      for (const e of this.events.filter((x) => x.id > cursor)) {
        cursor = e.id;
        if (matchesFeedFilter(e, filter)) yield { type: "event", event: e };
      }
      await new Promise<void>((resolve) => {
        this.wake.push(resolve);
        options.signal?.addEventListener("abort", () => resolve(), { once: true });
      });
    }
  }
}
