/**
 * The 100,000-job store of jobs-paging.spec.ts: the browser suite's config applied in a
 * directory of its own, a write token, and BULK.count jobs of a function no worker runs (so they
 * stay queued), written straight through the SQLite job store in one enqueue call (one
 * transaction) before the server starts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openSqliteJobStore } from "../../src/stores/sqlite/open.js";
import { kairos, startServer, type Server } from "./kairos-server.js";
import { writeSeed } from "./seed.js";

/** The bulk jobs: how many, their function, and the idempotency key of the i-th. */
export const BULK = {
  count: 100_000,
  fn: "bulk-import",
  key: (i: number) => `bulk-order-${String(i).padStart(6, "0")}`,
} as const;

/** A server on the bulk store, its write token, and how to stop and remove it. */
export interface BulkServer {
  readonly server: Server;
  readonly write: string;
  dispose(): Promise<void>;
}

/** Seed the bulk store and start a server on it. */
export async function startBulkServer(): Promise<BulkServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kairos-bulk-"));
  writeSeed(dir);
  const file = path.join(dir, "kairos.db");
  const store = `sqlite:${file}`;
  await kairos(dir, ["apply", "--store", store]);
  const out = await kairos(dir, [
    "tokens",
    "create",
    "--scope",
    "write",
    "--json",
    "--store",
    store,
  ]);
  const write = (JSON.parse(out) as { token: string }).token;
  const jobs = await openSqliteJobStore({ path: file });
  try {
    const now = Date.now();
    await jobs.enqueue(
      Array.from({ length: BULK.count }, (_, i) => ({
        fn: BULK.fn,
        payloadJson: `{"i":${i}}`,
        priority: 0,
        runAt: now,
        maxAttempts: 1,
        idempotencyKey: BULK.key(i),
        concurrencyKey: null,
        concurrencyLimit: 1,
        backoff: { type: "fixed", delayMs: 0 } as const,
        timeoutMs: 0,
        maxPending: null,
      })),
      now,
    );
  } finally {
    await jobs.close();
  }
  const server = await startServer(dir, ["--store", store]);
  return {
    server,
    write,
    dispose: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
