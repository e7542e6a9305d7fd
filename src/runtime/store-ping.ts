/**
 * @module runtime/store-ping
 * The readiness probe's store check: a trivial read that must answer within a timeout.
 */
import { StoreUnavailableError } from "../core/errors.js";
import type { JobStore } from "../ports/job-store.js";

/**
 * Resolves when `store` answers a trivial read within `timeoutMs`; rejects with
 * StoreUnavailableError when it does not, or with the store's own error.
 */
export async function pingStore(store: Pick<JobStore, "get">, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StoreUnavailableError(`the store did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([store.get("0"), late]);
  } finally {
    clearTimeout(timer);
  }
}
