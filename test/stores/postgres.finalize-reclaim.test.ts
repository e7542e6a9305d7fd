/**
 * PostgreSQL finalize (src/stores/postgres/finalize.ts) when the job is reclaimed between the
 * statement's snapshot and its row lock. The CTE reads the job in the statement's snapshot and
 * still sees the old lease token; the UPDATE then finds the row locked by the reclaiming
 * transaction, waits, and after its commit re-evaluates ONLY the UPDATE's own WHERE clause on
 * the new row version (READ COMMITTED, EvalPlanQual) — the CTE's rows are not re-read. So the
 * outer `j.lease_token = r.token` is what makes the stale finalization lose.
 *
 * The window is pinned, not hoped for: a second session takes the job over (new token) in an
 * open transaction, the finalization is started and observed waiting on that session's lock,
 * and only then does the takeover commit.
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import type { JobStore } from "../../src/ports/job-store.js";
import { openPostgresJobStore } from "../../src/stores/postgres/index.js";
import { describePg, freshSchema, pgUrl } from "../helpers/postgres.js";

const T0 = 1_700_000_000_000;

const opened: JobStore[] = [];
const clients: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end()));
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: pgUrl() });
  await c.connect();
  clients.push(c);
  return c;
}

/** Resolve once some session waits on a lock held by `holder`'s session; bounded. */
async function waitUntilBlockedBy(holder: pg.Client, observer: pg.Client): Promise<void> {
  const { rows } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const pid = rows[0]!.pid;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows: waiting } = await observer.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))",
      [pid],
    );
    if (Number(waiting[0]!.n) > 0) return;
    if (Date.now() > deadline) throw new Error("the finalization never waited on the takeover");
    await new Promise((r) => setTimeout(r, 5)); // poll interval
  }
}

describePg("postgres finalize vs a reclaim inside the statement", () => {
  it("a finalization whose snapshot predates a committed takeover does not apply", async () => {
    const schema = freshSchema();
    const store = await openPostgresJobStore({ url: pgUrl(), schema });
    opened.push(store);
    await store.enqueue(
      [
        {
          fn: "work",
          payloadJson: "{}",
          priority: 0,
          runAt: T0,
          maxAttempts: 3,
          idempotencyKey: null,
          concurrencyKey: null,
          concurrencyLimit: 1,
          backoff: { type: "fixed" as const, delayMs: 0 },
          timeoutMs: 0,
          maxPending: null,
        },
      ],
      T0,
    );
    const [claimed] = await store.claim({
      workerId: "old",
      fns: ["work"],
      limit: 1,
      now: T0,
      leaseMs: 1_000,
    });
    expect(claimed).toBeDefined();

    // Another worker takes the job over (as a claim after lease recovery leaves it): new owner,
    // new token, still running. Uncommitted: it holds the row lock.
    const thief = await client();
    await thief.query("BEGIN");
    await thief.query(
      `UPDATE "${schema}".jobs
          SET lease_owner = 'new', lease_token = 'new-token', attempt = attempt + 1,
              lease_expires_at = $2
        WHERE id = $1`,
      [claimed!.id, T0 + 120_000],
    );

    const finalizing = store.finalize(
      [
        {
          jobId: claimed!.id,
          leaseToken: claimed!.leaseToken,
          outcome: { kind: "succeeded", resultJson: '"stale"' },
        },
      ],
      T0 + 5_000,
    );
    // The statement has taken its snapshot (old token visible) and waits for the row lock.
    await waitUntilBlockedBy(thief, await client());
    await thief.query("COMMIT");

    expect(await finalizing).toEqual([false]);
    const row = await store.get(claimed!.id);
    expect(row).toMatchObject({
      state: "running",
      leaseOwner: "new",
      leaseToken: "new-token",
      resultJson: null,
    });
  });
});
