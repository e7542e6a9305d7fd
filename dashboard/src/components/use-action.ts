/**
 * @module dashboard/components/use-action
 * One mutating call at a time from a group of buttons: which one is busy, and the server's
 * refusal (its code and message) to show until the next try.
 */
import { useState } from "react";

/** The state of a group of actions, and `perform` to run one. */
export interface ActionState {
  readonly busy: string | null;
  readonly error: Error | null;
  /** Run `call` as `name`; `onDone` after it succeeded. */
  readonly perform: (name: string, call: () => Promise<unknown>, onDone?: () => void) => void;
}

/** Track one group of actions. */
export function useAction(): ActionState {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const perform = (name: string, call: () => Promise<unknown>, onDone?: () => void) => {
    setBusy(name);
    setError(null);
    call().then(
      () => {
        setBusy(null);
        onDone?.();
      },
      (e: unknown) => {
        setBusy(null);
        setError(e instanceof Error ? e : new Error(String(e)));
      },
    );
  };
  return { busy, error, perform };
}
