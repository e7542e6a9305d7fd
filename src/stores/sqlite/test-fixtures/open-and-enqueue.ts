/**
 * @module stores/sqlite/test-fixtures/open-and-enqueue
 * Child process used by the SQLite store tests: waits until the wall clock reaches the start
 * instant given as argv[3] (so sibling processes open the file together), opens the store at
 * argv[2], enqueues one job and prints its id. Exits 1 with the error on stderr on failure.
 */
import { openSqliteJobStore } from "../open.js";

const [dbPath, startAtText] = process.argv.slice(2);
if (dbPath === undefined || startAtText === undefined) {
  process.stderr.write("usage: open-and-enqueue <db path> <start at ms>\n");
  process.exit(2);
}
const startAt = Number(startAtText);
while (Date.now() < startAt) {
  // Busy-wait on purpose: a timer would add its own scheduling jitter to the start.
}
try {
  const store = await openSqliteJobStore({ path: dbPath });
  const [outcome] = await store.enqueue(
    [
      {
        fn: "f",
        payloadJson: JSON.stringify({ pid: process.pid }),
        priority: 0,
        runAt: 0,
        maxAttempts: 1,
        idempotencyKey: null,
        concurrencyKey: null,
        concurrencyLimit: 1,
        backoff: { type: "fixed", delayMs: 0 },
        timeoutMs: 0,
        maxPending: null,
      },
    ],
    Date.now(),
  );
  await store.close();
  process.stdout.write(`${outcome?.job.id ?? "none"}\n`);
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
