/**
 * @module dashboard/api/sse
 * Server-sent events over fetch (EventSource cannot send the bearer token). `SseParser` takes
 * the body's text chunk by chunk (lines split anywhere, LF, CR or CRLF) and gives the
 * dispatched messages (`id`, `event`, `data`, `retry`, comments skipped); `followSse` reads a
 * stream across dropped connections, reconnecting with `Last-Event-ID` after a growing wait
 * (250 ms, doubling up to the server's `retry`). A 4xx answer is not retried: it is thrown.
 */

/** One dispatched message. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** An incremental SSE parser (one per connection). */
export class SseParser {
  private buffer = "";
  private id: string | undefined;
  private event = "";
  private data: string[] = [];
  /** The last `retry:` value seen, in ms. */
  retryMs: number | undefined;

  /** Feed a chunk of text; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\n|\r/)) >= 0) {
      // A lone CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (this.buffer[nl] === "\r" && nl === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith("\r\n", nl) ? 2 : 1));
      const m = this.line(line);
      if (m) out.push(m);
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") {
      const m =
        this.data.length > 0
          ? { id: this.id, event: this.event || "message", data: this.data.join("\n") }
          : undefined;
      this.event = "";
      this.data = [];
      return m;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id" && !value.includes("\0")) this.id = value;
    else if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }
}

/** How to follow a stream. */
export interface FollowOptions {
  /** Open the stream, sending `Last-Event-ID` when `lastEventId` is set. */
  readonly open: (lastEventId: string | undefined, signal: AbortSignal) => Promise<Response>;
  /** The error to throw for a refused answer (4xx). */
  readonly fail: (res: Response) => Promise<Error>;
  readonly signal: AbortSignal;
  /** Wait this long (tests pass an immediate one). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told when a connection opens (true) or drops (false). */
  readonly onConnection?: (open: boolean) => void;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Read one response body into messages. */
async function* readBody(
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
  } finally {
    reader.releaseLock();
  }
}

/** Follow a stream across reconnects until the signal aborts (or a 4xx is thrown). */
export async function* followSse(options: FollowOptions): AsyncGenerator<SseMessage> {
  const { signal } = options;
  const sleep = options.sleep ?? defaultSleep;
  let lastId: string | undefined;
  let retryMs = 3000;
  let backoff = 250;
  while (!signal.aborted) {
    let res: Response | undefined;
    try {
      res = await options.open(lastId, signal);
    } catch {
      res = undefined;
    }
    if (res && !res.ok) {
      if (res.status < 500) throw await options.fail(res);
      await res.body?.cancel();
    } else if (res?.body) {
      const parser = new SseParser();
      options.onConnection?.(true);
      try {
        for await (const m of readBody(res.body, parser)) {
          if (m.id !== undefined) lastId = m.id;
          backoff = 250;
          yield m;
        }
      } catch {
        // the connection dropped: reconnect below
      }
      if (parser.retryMs !== undefined) retryMs = parser.retryMs;
      options.onConnection?.(false);
    }
    if (signal.aborted) break;
    await sleep(Math.min(backoff, retryMs), signal);
    backoff = Math.min(backoff * 2, retryMs);
  }
}
