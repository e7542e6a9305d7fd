/**
 * @module api/listen
 * Serve a Hono app on a socket (node:http through @hono/node-server): the loopback rule (no
 * token yet: listen on a loopback address only), the printed URL, and a graceful close that
 * stops accepting, lets in-flight requests finish, then cuts what remains (live event streams).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { isIP } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { ValidationError } from "../core/errors.js";

/** A fetch handler, as a Hono app has. */
export interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/** Where and how to listen. */
export interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Whether auth is on (a token exists): required to listen on a non-loopback address. */
  readonly authOn: boolean;
  /**
   * How long idle keep-alive connections stay open (ms, default 65 s: above the 60 s idle
   * timeout of common load balancers, so the balancer closes first).
   */
  readonly keepAliveTimeoutMs?: number;
}

/** A listening server. */
export interface Listening {
  /** `http://host:port` as clients reach it (IPv6 hosts in brackets). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Stop accepting connections, wait up to `graceMs` (default 5 s) for open requests, then
   * close every connection left (live event streams). Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

/** Whether a host name or address is loopback-only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

/**
 * Throws ValidationError for a non-loopback `host` while auth is off (no active token): the
 * rule `listen` applies, for callers that check before starting anything.
 */
export function assertMayListen(host: string, authOn: boolean): void {
  if (!authOn && !isLoopbackHost(host)) {
    throw new ValidationError(
      `refusing to listen on ${host} without auth: create a token first ` +
        `(kairos tokens create --scope write), or listen on 127.0.0.1`,
    );
  }
}

/**
 * Listen; throws ValidationError (before opening any socket) for a non-loopback host while
 * auth is off, and rejects with the socket's error (port in use, ...) otherwise.
 */
export async function listen(app: FetchApp, options: ListenOptions): Promise<Listening> {
  assertMayListen(options.host, options.authOn);
  const server = createAdaptorServer({ fetch: (req, env) => app.fetch(req, env) }) as Server;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  server.headersTimeout = server.keepAliveTimeout + 1_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.off("error", onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${shown}:${port}`,
    port,
    server,
    close: (graceMs = 5_000) =>
      (closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
