/**
 * @module dashboard/use-fetch
 * Load something from the API for a page: the data, the error, and `reload` (called by live
 * events). A reload keeps the data shown until the new answer arrives (no flicker, no layout
 * shift); an answer to an older request is dropped.
 */
import { useCallback, useEffect, useRef, useState } from "react";

/** The state of one load. */
export interface Fetched<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Load again, keeping the current data until the answer. */
  readonly reload: () => void;
  /** Replace the data locally (a live event carried the new value). */
  readonly set: (update: (data: T | undefined) => T | undefined) => void;
}

/** Load `load()` now and whenever `key` changes. */
export function useFetch<T>(key: string, load: () => Promise<T>): Fetched<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setLoading(true);
    loadRef.current().then(
      (d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      },
    );
  }, []);
  useEffect(() => {
    setData(undefined);
    setError(undefined);
    reload();
  }, [key, reload]);
  return { data, error, loading, reload, set: setData };
}
