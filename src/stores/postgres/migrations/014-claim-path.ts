/**
 * @module stores/postgres/migrations/014-claim-path
 * Migration 14: `claim_keyless`, the claim's one-round-trip fast path (see
 * `stores/postgres/claim.ts`). One call, one autocommit statement:
 *
 * 1. promote: due scheduled/retrying jobs of the fns become queued (`FOR UPDATE SKIP LOCKED`),
 *    as the full claim does;
 * 2. candidates: the first `p_limit` queued jobs of the fns in claim order (priority DESC,
 *    run_at, id), `FOR UPDATE SKIP LOCKED`, read by a new statement so the promoted rows count;
 * 3. when NONE of the candidates has a concurrency key, every candidate becomes running under a
 *    fresh lease token (`gen_random_uuid()`), attempt + 1, started `p_now`, lease until
 *    `p_lease_until`; returned in claim order. When any candidate has a key it takes nothing
 *    and returns no row: the caller then runs the full claim (per-key locks and counts).
 *
 * Plan guard: the function's statements run with sorts, sequential and bitmap scans, hash and
 * merge joins off, so whatever the statistics say (a table filled seconds ago still looks
 * empty to the planner, and PL/pgSQL keeps the plan it made then) the candidates are read by
 * walking `jobs_queued_claim_idx` in claim order and stop at the limit, and each one is taken
 * by one probe of the primary key. `jit = off`: a disabled plan node costs 1e10, which would
 * send every call through JIT compilation (about 200 ms each). The function returns
 * `SETOF jobs`; callers name the columns.
 *
 * Also: `jobs_running_key_idx` (running jobs by concurrency key) now holds only running jobs
 * WITH a key. A keyless job's claim no longer inserts an entry into it (one index insertion
 * and its WAL less per claimed job); the statements that use it (the full claim's per-key
 * count, `listRunningWithKey`) say `concurrency_key IS NOT NULL` so the planner can match it.
 */

/** The SQL text of migration 14 for schema `s`. */
export const sql = (s: string): string => `
CREATE FUNCTION ${s}.claim_keyless(p_fns TEXT[], p_limit INTEGER, p_worker TEXT, p_now BIGINT,
                                   p_lease_until BIGINT)
RETURNS SETOF ${s}.jobs
LANGUAGE plpgsql
SET enable_sort = off
SET enable_seqscan = off
SET enable_bitmapscan = off
SET enable_hashjoin = off
SET enable_mergejoin = off
SET jit = off
AS $fn$
BEGIN
  UPDATE ${s}.jobs SET state = 'queued', updated_at = p_now
   WHERE id IN (SELECT id FROM ${s}.jobs
                 WHERE state IN ('scheduled', 'retrying') AND run_at <= p_now
                   AND fn = ANY(p_fns)
                 FOR UPDATE SKIP LOCKED);

  RETURN QUERY
  WITH cand AS (
    SELECT id, concurrency_key FROM ${s}.jobs
     WHERE state = 'queued' AND fn = ANY(p_fns)
     ORDER BY priority DESC, run_at, id
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED
  ),
  taken AS (
    UPDATE ${s}.jobs AS j
       SET state = 'running', attempt = j.attempt + 1, lease_owner = p_worker,
           lease_token = gen_random_uuid()::text, lease_expires_at = p_lease_until,
           started_at = p_now, updated_at = p_now
      FROM cand AS c
     WHERE j.id = c.id
       AND NOT EXISTS (SELECT 1 FROM cand AS k WHERE k.concurrency_key IS NOT NULL)
    RETURNING j.*
  )
  SELECT * FROM taken ORDER BY priority DESC, run_at, id;
END
$fn$;

DROP INDEX ${s}.jobs_running_key_idx;
CREATE INDEX jobs_running_key_idx ON ${s}.jobs (concurrency_key)
  WHERE state = 'running' AND concurrency_key IS NOT NULL;
`;
