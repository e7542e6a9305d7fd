/**
 * @module stores/postgres/connect
 * Where a PostgreSQL URL points and how long to wait for it: host, port and the connect
 * timeout (the URL's `connect_timeout`, in seconds, libpq's meaning: 0 waits forever; default
 * 10 s), and the error a failed first connection becomes. A server that accepts the TCP
 * connection but never answers fails after the timeout with StoreUnavailableError naming host
 * and port, instead of hanging. Every message shows the URL masked (core/secrets).
 */
import {
  KairosError,
  StoreError,
  StoreUnavailableError,
  ValidationError,
} from "../../core/errors.js";
import { maskSecrets } from "../../core/secrets.js";

/** The connect timeout when the URL names none. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Where a URL connects, for messages, and its connect timeout (0: none). */
export interface PgEndpoint {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
}

/**
 * Read host, port (default 5432; `?host=` / `?port=` as libpq) and `connect_timeout` (whole
 * seconds >= 0) from a URL that `new URL` accepts. Throws ValidationError for a bad timeout.
 */
export function pgEndpoint(url: string): PgEndpoint {
  const parsed = new URL(url);
  const host =
    decodeURIComponent(parsed.hostname) || parsed.searchParams.get("host") || "localhost";
  const port = Number(parsed.port || parsed.searchParams.get("port") || 5432);
  const raw = parsed.searchParams.get("connect_timeout");
  if (raw === null || raw === "") {
    return { host, port, connectTimeoutMs: DEFAULT_CONNECT_TIMEOUT_MS };
  }
  if (!/^\d+$/.test(raw.trim())) {
    throw new ValidationError(
      `connect_timeout in the PostgreSQL URL must be a whole number of seconds (0: wait ` +
        `forever), got ${JSON.stringify(raw)}`,
    );
  }
  return { host, port, connectTimeoutMs: Number(raw.trim()) * 1000 };
}

/** A SQLSTATE (five characters): the server answered, so it was reached. */
function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * The error a failed first connection to `at` becomes: StoreUnavailableError when the server
 * could not be reached or did not answer within the timeout (naming host, port and the
 * timeout), StoreError when it answered with a refusal (bad password, unknown database), the
 * Kairos error itself when it is one. Messages are masked.
 */
export function connectError(error: unknown, at: PgEndpoint): KairosError {
  if (error instanceof KairosError) return error;
  const message = maskSecrets(error instanceof Error ? error.message : String(error));
  const where = `${at.host}:${at.port}`;
  const state = sqlState(error);
  if (state !== null) {
    return new StoreError(
      `PostgreSQL at ${where} refused the connection (${state}: ${message}); check the user, ` +
        `password and database in the store URL`,
      { cause: error },
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  const detail =
    typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
  if (/time(d)?[ -]?out|timeout/i.test(message) && at.connectTimeoutMs > 0) {
    return new StoreUnavailableError(
      `cannot connect to PostgreSQL at ${where} within ${at.connectTimeoutMs / 1000} s: ` +
        `${detail}; check that the server is up and reachable, or raise the URL's ` +
        `?connect_timeout= (seconds)`,
      { cause: error },
    );
  }
  return new StoreUnavailableError(
    `cannot connect to PostgreSQL at ${where}: ${detail}; check that the server is running ` +
      `and that the store URL's host and port are right`,
    { cause: error },
  );
}
