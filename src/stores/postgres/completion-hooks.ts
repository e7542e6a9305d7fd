/**
 * @module stores/postgres/completion-hooks
 * The completion hooks of one PostgreSQL schema: one hook per origin kind, registered by the
 * store module that owns the kind (the schedule store registers `schedule` when it is opened;
 * `api` has no owner and cannot have a hook). See ports/job-store, "Completion hooks".
 *
 * Contract of a hook on PostgreSQL: SQL, not a JS callback, so that it runs inside the one
 * statement that finishes the jobs. A hook gives data-modifying statements (`UPDATE`,
 * `INSERT`, `DELETE`, without parameters) that the job store splices as extra CTE stages into
 * each statement that moves jobs to a terminal state — `finalize` (the batch UPDATE over
 * unnest arrays) and `cancel` of a pending job — after the stage that updated the jobs. A
 * stage reads the relation named by `input`, which holds exactly the jobs of the hook's kind
 * that this statement moved to a terminal state, with the columns
 *
 *   id BIGINT, state TEXT (succeeded | failed | cancelled | timed_out),
 *   origin_id TEXT, origin_key TEXT, finished_at BIGINT
 *
 * So the hook runs in the statement's transaction, sees the jobs' new row versions, and its
 * failure (any error) aborts the whole statement: nothing of the finalization or the cancel is
 * written and the call throws. Jobs whose finalization did not apply (token re-check), retries
 * and releases are not in `input`. Every stage executes once per statement (PostgreSQL runs
 * data-modifying CTEs to completion whether or not they are read); with no job of its kind in
 * `input` it changes nothing. That keeps a finalize batch of api jobs at ONE round trip, as
 * before: no statement is added, only stages that find no input row.
 *
 * Stages see the statement's snapshot: they must not modify the `jobs` rows the statement has
 * just updated (PostgreSQL does not support updating a row twice in one statement), and two
 * stages must not modify the same row. Name every table with the schema `s`.
 */
import type { OriginKind } from "../../core/jobs/origin.js";
import { CompletionRegistry } from "../completion-registry.js";

/** A hook: the CTE stages it adds (see the module header). */
export interface PgCompletionHook {
  /** Data-modifying statements for schema `s`, reading the finished jobs from `input`. */
  stages(s: string, input: string): readonly string[];
}

/** The registry of one schema's hooks, shared by its job store and the owners of the kinds. */
export class PgCompletionHooks extends CompletionRegistry<PgCompletionHook> {
  readonly #cache = new Map<string, string>();

  override register(kind: Exclude<OriginKind, "api">, hook: PgCompletionHook): void {
    super.register(kind, hook);
    this.#cache.clear();
  }

  /**
   * The CTE definitions that run every registered hook over the jobs the CTE `source` returned
   * (it must return id, state, origin_kind, origin_id, origin_key, finished_at, updated_at):
   * text to put right after `source`'s definition, each definition preceded by a comma; empty
   * when no hook is registered. Stable for a given registry (the statement stays prepared).
   */
  ctes(s: string, source: string): string {
    const cacheKey = `${s}\u0000${source}`;
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined) return cached;
    let text = "";
    for (const [kind, hook] of this.entries()) {
      const input = `${source}_${kind}`;
      text +=
        `,\n${input} AS (SELECT id, state, origin_id, origin_key,` +
        ` COALESCE(finished_at, updated_at) AS finished_at FROM ${source}` +
        ` WHERE origin_kind = '${kind}'` +
        ` AND state IN ('succeeded', 'failed', 'cancelled', 'timed_out'))`;
      hook.stages(s, input).forEach((stage, i) => {
        text += `,\n${input}_${i + 1} AS (${stage})`;
      });
    }
    this.#cache.set(cacheKey, text);
    return text;
  }
}
