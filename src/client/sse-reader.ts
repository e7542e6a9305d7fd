/**
 * @module client/sse-reader
 * Server-sent events over fetch: a line parser (`id`, `event`, `data`, `retry`, comments), and
 * a follower that reconnects with `Last-Event-ID` after a dropped connection, waiting with a
 * growing backoff (from 250 ms up to the server's `retry`, default 3 s). Auth and request
 * errors are not retried: they are thrown as the server's KairosError.
 */

/** One dispatched message. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** Parse an SSE body into messages; `onRetry` gets each `retry:` value. */
export async function* parseSse(
  body: ReadableStream<Uint8Array>,
  onRetry: (ms: number) => void = () => {},
): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = "";
  let id: string | undefined;
  let event = "";
  let data: string[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (data.length > 0) yield { id, event: event || "message", data: data.join("\n") };
        event = "";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") id = value;
      else if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "retry" && /^\d+$/.test(value)) onRetry(Number(value));
    }
  }
}

/** How to follow a stream. */
export interface FollowOptions {
  /** Open the stream; `lastEventId` is set after the first message with an id. */
  readonly open: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  /** Turn a failed answer into the error to throw (not retried). */
  readonly fail: (res: Response) => Promise<Error>;
  readonly signal?: AbortSignal | undefined;
  /** Start after this id (sent as Last-Event-ID on the first request too). */
  readonly lastEventId?: string | undefined;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Follow a stream across reconnects until the signal aborts. */
export async function* followSse(options: FollowOptions): AsyncGenerator<SseMessage> {
  const ac = new AbortController();
  const outer = options.signal;
  if (outer?.aborted) return;
  outer?.addEventListener("abort", () => ac.abort(), { once: true });
  let lastId = options.lastEventId;
  let retryMs = 3000;
  let backoff = 250;
  try {
    yield* follow();
  } finally {
    ac.abort();
  }
  async function* follow(): AsyncGenerator<SseMessage> {
    while (!ac.signal.aborted) {
      let res: Response | undefined;
      try {
        res = await options.open(lastId, ac.signal);
      } catch {
        res = undefined;
      }
      if (res && !res.ok) {
        if (res.status < 500) throw await options.fail(res);
        await res.body?.cancel();
      } else if (res?.body) {
        try {
          for await (const m of parseSse(res.body, (ms) => (retryMs = ms))) {
            if (m.id !== undefined) lastId = m.id;
            backoff = 250;
            yield m;
          }
        } catch {
          // connection dropped: reconnect below
        }
      }
      if (ac.signal.aborted) break;
      await sleep(Math.min(backoff, retryMs), ac.signal);
      backoff = Math.min(backoff * 2, retryMs);
    }
  }
}
