/**
 * @module dashboard/components/dag/DagDrawing
 * Draws a laid-out workflow graph as SVG: edges as arrowed polylines, each task a box filled
 * with its state's colour. Every box has the same fixed size and position whatever its state,
 * so live updates repaint without moving anything. Boxes are focusable; Enter or Space (or a
 * click) selects one.
 */
import { useId, type KeyboardEvent } from "react";
import type { DagLayout, LayoutEdge, LayoutNode } from "./layout.js";
import { paintedState, STATE_STYLES } from "./states.js";

/** What the drawing needs: the layout, each task's state, the selection. */
export interface DagDrawingProps {
  readonly layout: DagLayout;
  /** Task id -> task-instance state; a task missing here is drawn as `none`. */
  readonly states: Readonly<Record<string, string | null | undefined>>;
  readonly selected?: string | null;
  readonly onSelect?: (taskId: string) => void;
}

/** Characters of a task id that fit in a box; longer ids are cut with an ellipsis. */
const LABEL_CHARS = 22;

const FOCUS_CSS =
  ".kairos-dag-node{cursor:pointer;outline:none}" +
  ".kairos-dag-node:focus-visible .kairos-dag-ring{stroke:Highlight;stroke-width:3}";

/** A task id cut to fit its box. */
export function nodeLabel(id: string): string {
  return id.length <= LABEL_CHARS ? id : `${id.slice(0, LABEL_CHARS - 1)}…`;
}

function edgePath(edge: LayoutEdge): string {
  return edge.points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x} ${p.y}`).join(" ");
}

/** One task's box, as {@link DagDrawing} draws it. */
export interface DagNodeProps {
  readonly node: LayoutNode;
  readonly state: string | null | undefined;
  readonly selected: boolean;
  readonly onSelect: ((taskId: string) => void) | undefined;
}

/** A task's box: focusable, selected by a click, Enter or Space. */
export function DagNode({ node, state, selected, onSelect }: DagNodeProps) {
  const painted = paintedState(state);
  const style = STATE_STYLES[painted];
  const select = () => onSelect?.(node.id);
  const onKeyDown = (e: KeyboardEvent<SVGGElement>) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    select();
  };
  return (
    <g
      data-testid="dag-node"
      data-task-id={node.id}
      data-state={painted}
      className="kairos-dag-node"
      transform={`translate(${node.x} ${node.y})`}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`${node.id}: ${style.label}`}
      onClick={select}
      onKeyDown={onKeyDown}
    >
      <title>{`${node.id} (${style.label})`}</title>
      <rect
        width={node.width}
        height={node.height}
        rx={4}
        fill={style.fill}
        stroke="currentColor"
        strokeWidth={selected ? 2.5 : 1}
      />
      <rect
        className="kairos-dag-ring"
        x={-4}
        y={-4}
        width={node.width + 8}
        height={node.height + 8}
        rx={6}
        fill="none"
        stroke="none"
      />
      <text
        x={node.width / 2}
        y={node.height / 2}
        textAnchor="middle"
        dominantBaseline="central"
        fill={style.text}
        fontSize={13}
        fontWeight={selected ? 600 : 400}
      >
        {nodeLabel(node.id)}
      </text>
    </g>
  );
}

/** The graph as an `<svg data-testid="dag">`, sized by the layout alone. */
export function DagDrawing({ layout, states, selected, onSelect }: DagDrawingProps) {
  const arrow = `kairos-dag-arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  return (
    <svg
      data-testid="dag"
      role="group"
      aria-label="Task graph"
      width={layout.width}
      height={layout.height}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      style={{ display: "block", overflow: "visible" }}
    >
      <style>{FOCUS_CSS}</style>
      <defs>
        <marker
          id={arrow}
          viewBox="0 0 10 10"
          refX={10}
          refY={5}
          markerWidth={7}
          markerHeight={7}
          orient="auto-start-reverse"
        >
          <path d="M0 0 L10 5 L0 10 z" fill="currentColor" />
        </marker>
      </defs>
      <g aria-hidden="true" opacity={0.55}>
        {layout.edges.map((edge) => (
          <path
            key={`${edge.from}>${edge.to}`}
            data-testid="dag-edge"
            data-from={edge.from}
            data-to={edge.to}
            d={edgePath(edge)}
            fill="none"
            stroke="currentColor"
            strokeWidth={1.25}
            markerEnd={`url(#${arrow})`}
          />
        ))}
      </g>
      {layout.nodes.map((node) => (
        <DagNode
          key={node.id}
          node={node}
          state={states[node.id]}
          selected={selected === node.id}
          onSelect={onSelect}
        />
      ))}
    </svg>
  );
}
