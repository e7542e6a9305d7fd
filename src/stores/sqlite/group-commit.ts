/**
 * @module stores/sqlite/group-commit
 * Group commit for a synchronous store: calls of one write that arrive in the same event-loop
 * turn (many HTTP requests parsed in one poll phase, many concurrent `enqueue` callers) are
 * handed together to one function that commits them in one transaction, and each call's
 * promise settles with its own outcome. One commit per turn instead of one per call is what
 * lets concurrent single enqueues run at batch speed.
 *
 * Guarantees: calls run in the order they were submitted; a call's promise settles only after
 * the transaction holding it has committed (or failed); `flush()` runs what is pending at once
 * (a store calls it before closing, so nothing accepted is dropped). The flush is scheduled
 * with the `setImmediate` captured when this module loads, so a test's fake timers cannot
 * stall a store.
 */

/** The outcome of one call in a group. */
export type Settled<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A queue of calls committed together once per event-loop turn. */
export interface GroupCommit<I, O> {
  /** Queue one call; resolves with its value or rejects with its own error. */
  submit(input: I): Promise<O>;
  /** Run every pending call now (synchronously). */
  flush(): void;
  /** How many calls wait for the next flush. */
  readonly pending: number;
}

const realSetImmediate = globalThis.setImmediate;

interface Waiting<I, O> {
  readonly input: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A group commit over `commitAll`, which must return one Settled per input, in order, or throw
 * when the whole group failed (then every call of it rejects with that error).
 */
export function createGroupCommit<I, O>(
  commitAll: (inputs: readonly I[]) => readonly Settled<O>[],
): GroupCommit<I, O> {
  let waiting: Waiting<I, O>[] = [];
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (waiting.length === 0) return;
    const group = waiting;
    waiting = [];
    let settled: readonly Settled<O>[];
    try {
      settled = commitAll(group.map((w) => w.input));
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    group.forEach((w, i) => {
      const s = settled[i];
      if (s === undefined) w.reject(new Error("group commit returned no outcome for a call"));
      else if (s.ok) w.resolve(s.value);
      else w.reject(s.error);
    });
  };

  return {
    submit(input) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ input, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          realSetImmediate(flush);
        }
      });
    },
    flush,
    get pending() {
      return waiting.length;
    },
  };
}
