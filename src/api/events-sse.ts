/**
 * @module api/events-sse
 * GET /api/v1/events: the feed as server-sent events (`id`, `event: <name>`, `data: <json>`),
 * filtered by `kind`, `fn`, `workflow` (csv), starting after `Last-Event-ID` (header), else
 * `?after=`, else now. `retry: 3000` first, a `: keepalive` comment every 15 s, an `event:
 * reset` when the start is outside what the feed holds. Ends when the client disconnects or
 * the app's shutdown signal fires. GET /api/v1/events/recent: one page of the feed.
 */
import { streamSSE } from "hono/streaming";
import { ShuttingDownError, ValidationError } from "../core/errors.js";
import { FEED_KINDS, type FeedFilter, type FeedKind } from "../core/feed/types.js";
import { systemRoutes as R } from "../contract/routes.js";
import { EventQuery, RecentEventQuery } from "../contract/schemas/events.js";
import type { EventFeedApi, FeedItem } from "../runtime/client.js";
import { csv, defined, on, queryOf, send, type Input } from "./handlers/kit.js";
import type { ApiApp, ApiContext } from "./types.js";

/** SSE reconnect delay the server asks for (ms). */
export const SSE_RETRY_MS = 3000;
/** Keepalive comment period (ms). */
export const SSE_KEEPALIVE_MS = 15_000;

/** The feed filter of a request's query (unknown kinds: ValidationError). */
export function feedFilter(q: {
  kind?: string | undefined;
  fn?: string | undefined;
  workflow?: string | undefined;
}): FeedFilter {
  const kinds = csv(q.kind);
  for (const k of kinds ?? []) {
    if (!FEED_KINDS.includes(k as FeedKind)) {
      throw new ValidationError(
        `unknown event kind ${JSON.stringify(k)}; use ${FEED_KINDS.join(", ")}`,
      );
    }
  }
  return defined({
    kinds: kinds as FeedKind[] | undefined,
    fns: csv(q.fn),
    workflows: csv(q.workflow),
  });
}

function startAfter(c: ApiContext, after: number | undefined): number | "now" {
  const header = c.req.header("last-event-id");
  if (header !== undefined && /^\d+$/.test(header.trim())) return Number(header.trim());
  return after ?? "now";
}

function mustFeed(feed: EventFeedApi | null): EventFeedApi {
  if (feed === null) throw new ShuttingDownError("this server has no event feed");
  return feed;
}

/** How the event streams run. */
export interface StreamOptions {
  readonly keepaliveMs?: number | undefined;
  /** Aborting it ends every open stream (server shutdown). */
  readonly signal?: AbortSignal | undefined;
  /** At most this many open streams per process (default 200); more answer 503. */
  readonly maxStreams?: number | undefined;
  /** Told the number of open streams whenever it changes (metrics). */
  readonly onStreams?: ((open: number) => void) | undefined;
}

/** Default cap on open event streams per process. */
export const SSE_MAX_STREAMS = 200;

/** Register /events and /events/recent. */
export function registerEvents(
  app: ApiApp,
  feed: EventFeedApi | null,
  options: StreamOptions,
): void {
  let open = 0;
  const counted = {
    ...options,
    opened: () => options.onStreams?.(++open),
    closed: () => options.onStreams?.(--open),
  };
  on(app, R.events, async (c, input) => {
    const max = options.maxStreams ?? SSE_MAX_STREAMS;
    if (open >= max) {
      throw new ShuttingDownError(
        `this server already serves ${max} event streams; retry later or connect to another replica`,
      );
    }
    return stream(c, input, mustFeed(feed), counted);
  });
  on(app, R.recentEvents, async (c, input) => {
    const q = queryOf(input, RecentEventQuery);
    const page = await mustFeed(feed).read(feedFilter(q), q.after ?? 0, q.limit ?? 100);
    return send(c, {
      items: page.items,
      nextAfter: page.nextAfter,
      nextCursor: String(page.nextAfter),
    });
  });
}

async function stream(
  c: ApiContext,
  input: Input,
  feed: EventFeedApi,
  options: StreamOptions & { opened(): void; closed(): void },
): Promise<Response> {
  const q = queryOf(input, EventQuery);
  const filter = feedFilter(q);
  const after = startAfter(c, q.after);
  const ac = new AbortController();
  const stop = () => ac.abort();
  if (options.signal?.aborted) ac.abort();
  options.signal?.addEventListener("abort", stop, { once: true });
  options.opened();
  return streamSSE(c, async (sse) => {
    sse.onAbort(stop);
    const keepalive = setInterval(
      () => void sse.write(": keepalive\n\n"),
      options.keepaliveMs ?? SSE_KEEPALIVE_MS,
    );
    try {
      await sse.write(`retry: ${SSE_RETRY_MS}\n\n`);
      for await (const item of feed.subscribe(filter, { after, signal: ac.signal })) {
        if (ac.signal.aborted) break;
        await sse.writeSSE(message(item));
      }
    } finally {
      clearInterval(keepalive);
      options.signal?.removeEventListener("abort", stop);
      options.closed();
      await sse.close();
    }
  });
}

function message(item: FeedItem): { id?: string; event: string; data: string } {
  if (item.type === "reset")
    return { event: "reset", data: JSON.stringify({ oldestId: item.oldestId }) };
  const e = item.event;
  return { id: String(e.id), event: e.name, data: JSON.stringify(e) };
}
