/**
 * @module dashboard/components/dag/use-dag-layout
 * The React side of {@link layoutDag}: the layout of the current topology, recomputed only
 * when the topology key changes (a new state map never triggers it).
 */
import { useEffect, useState } from "react";
import { layoutDag, topologyKey, type DagLayout, type LayoutTask } from "./layout.js";

/** Where the layout of the current topology stands. */
export type DagLayoutStatus =
  | { readonly status: "pending" }
  | { readonly status: "ready"; readonly layout: DagLayout }
  | { readonly status: "failed"; readonly message: string };

interface Settled {
  readonly key: string;
  readonly result: DagLayoutStatus;
}

/**
 * The layout of `tasks`, `pending` until elkjs answers for this topology. A result that
 * arrives after the topology changed again is dropped.
 */
export function useDagLayout(tasks: readonly LayoutTask[]): DagLayoutStatus {
  const key = topologyKey(tasks);
  const [settled, setSettled] = useState<Settled | null>(null);
  useEffect(() => {
    let current = true;
    // Rebuilt from the key, so the effect depends on nothing else.
    const topology = (JSON.parse(key) as [string, string[]][]).map(([id, dependsOn]) => ({
      id,
      dependsOn,
    }));
    layoutDag(topology).then(
      (layout) => {
        if (current) setSettled({ key, result: { status: "ready", layout } });
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (current) setSettled({ key, result: { status: "failed", message } });
      },
    );
    return () => {
      current = false;
    };
  }, [key]);
  // Until the new topology is laid out, keep showing the last one rather than nothing.
  if (settled === null) return { status: "pending" };
  return settled.result;
}
