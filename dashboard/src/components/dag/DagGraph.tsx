/**
 * @module dashboard/components/dag/DagGraph
 * A workflow's task graph coloured by each task's state, with the colour legend: the layout is
 * computed (elkjs) from the topology only, so state updates repaint in place.
 */
import { DagDrawing } from "./DagDrawing.js";
import type { LayoutTask } from "./layout.js";
import { StateLegend } from "./StateLegend.js";
import { useDagLayout } from "./use-dag-layout.js";

/** The tasks to draw, their states and the selection. */
export interface DagGraphProps {
  /** The workflow's tasks and upstreams (the topology: changing it re-lays the graph out). */
  readonly tasks: readonly LayoutTask[];
  /** Task id -> task-instance state (e.g. a run's); missing tasks are drawn as `none`. */
  readonly states: Readonly<Record<string, string | null | undefined>>;
  /** The selected task's id, drawn with a heavier outline. */
  readonly selected?: string | null;
  /** Called with a task's id when it is clicked or chosen with Enter/Space. */
  readonly onSelect?: (taskId: string) => void;
  /** Show the state legend under the graph (default true; off when the page shows one). */
  readonly legend?: boolean;
}

/** The DAG graph view: the drawing (scrolling when wider than its box) and the legend. */
export function DagGraph({ tasks, states, selected, onSelect, legend = true }: DagGraphProps) {
  const layout = useDagLayout(tasks);
  return (
    <figure data-testid="dag-graph" style={{ margin: 0 }}>
      <div style={{ overflow: "auto", maxWidth: "100%" }}>
        {layout.status === "ready" ? (
          <DagDrawing
            layout={layout.layout}
            states={states}
            selected={selected ?? null}
            {...(onSelect ? { onSelect } : {})}
          />
        ) : layout.status === "failed" ? (
          <p role="alert">The graph could not be drawn: {layout.message}</p>
        ) : (
          <svg data-testid="dag" aria-busy="true" aria-label="Task graph (laying out)" height={0} />
        )}
      </div>
      {legend ? <StateLegend /> : null}
    </figure>
  );
}
