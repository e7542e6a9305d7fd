/**
 * @module stores/postgres/notifications
 * LISTEN/NOTIFY: wakes idle workers when another process enqueues, releases or cancels a job.
 *
 * One dedicated connection (a `pg.Client`, not from the pool: a pooled connection would stop
 * listening when returned) runs `LISTEN <channel>` for the store's schema. Each notification
 * bumps a counter, which is the store's `changeToken()`, and calls the `onChange` listeners.
 * The statements that make work (enqueue, release, cancel of a running job) call `pg_notify`
 * in their own transaction, so a notification is delivered only when the change is visible.
 *
 * Lifecycle: the connection is opened on first use (`changeToken` or `onChange`), not at open,
 * so stores that never wait for work cost no extra connection. When it drops (server restart,
 * network loss), it is reopened with a capped backoff; notifications sent meanwhile are lost,
 * so a reconnect counts as a change (the token moves and listeners are called), which makes
 * the workers look for work once. Polling remains the fallback in the runtime.
 *
 * Feed appends (`stores/postgres/feed.ts`) notify on the same channel with the payload
 * `feed:<lastId>`: those go to the feed subscribers only (`subscribeFeed`) and do not move the
 * change counter, so idle workers never wake for feed traffic. A reconnect calls the feed
 * subscribers too (feed notifications may have been missed meanwhile).
 */
import pg from "pg";

const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/** The LISTEN connection of one store. */
export class ChangeListener {
  readonly #url: string;
  readonly #channel: string;
  /** Shown as the connection's application_name (`kairos-listen:<schema>`). */
  readonly #schemaTag: string;
  readonly #listeners = new Set<() => void>();
  readonly #feedListeners = new Set<() => void>();
  #counter = 0;
  #client: pg.Client | null = null;
  #starting: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #retryMs = MIN_RETRY_MS;
  #everConnected = false;
  #closed = false;

  constructor(url: string, channel: string, schema: string) {
    this.#url = url;
    this.#channel = channel;
    this.#schemaTag = schema;
  }

  /** The change counter as a string, after making sure the connection is (being) set up. */
  async token(): Promise<string> {
    await this.#ensure();
    return String(this.#counter);
  }

  /** Call `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    void this.#ensure();
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Call `listener` on every `feed:` notification (and reconnect); returns the unsubscribe. */
  subscribeFeed(listener: () => void): () => void {
    this.#feedListeners.add(listener);
    void this.#ensure();
    return () => {
      this.#feedListeners.delete(listener);
    };
  }

  /** Close the connection and stop reconnecting. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#feedListeners.clear();
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#starting?.catch(() => undefined);
    const client = this.#client;
    this.#client = null;
    if (client !== null) await client.end().catch(() => undefined);
  }

  /** Start (or wait for) the connection. Never throws: a failure schedules a retry. */
  #ensure(): Promise<void> {
    if (this.#closed || this.#client !== null) return Promise.resolve();
    if (this.#retryTimer !== null) return Promise.resolve();
    this.#starting ??= this.#connect().finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: `kairos-listen:${this.#schemaTag}`,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    let dropped = false;
    const onDrop = () => {
      if (dropped) return;
      dropped = true;
      if (this.#client === client) this.#client = null;
      client.end().catch(() => undefined);
      this.#scheduleRetry();
    };
    client.on("error", onDrop);
    client.on("end", onDrop);
    client.on("notification", (message) => {
      if (message.channel !== this.#channel) return;
      if (message.payload?.startsWith("feed:") === true) callAll(this.#feedListeners);
      else this.#changed();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch {
      onDrop();
      return;
    }
    if (this.#closed || dropped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#retryMs = MIN_RETRY_MS;
    // After a drop, notifications may have been missed: count the reconnect as a change.
    if (this.#everConnected) {
      this.#changed();
      callAll(this.#feedListeners);
    }
    this.#everConnected = true;
  }

  #scheduleRetry(): void {
    if (this.#closed || this.#retryTimer !== null) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#ensure();
    }, delay);
    this.#retryTimer.unref();
  }

  #changed(): void {
    this.#counter += 1;
    callAll(this.#listeners);
  }
}

/** Call every listener of a set; a throwing listener must not break delivery to the others. */
function callAll(listeners: ReadonlySet<() => void>): void {
  for (const listener of [...listeners]) {
    try {
      listener();
    } catch {
      // ignored: see above
    }
  }
}
