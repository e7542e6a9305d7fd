/**
 * @module dashboard/components/dag/layout
 * The workflow graph's geometry, computed by elkjs (layered, top to bottom, orthogonal edges):
 * a pure function of the topology (task ids and their upstreams), never of the task states,
 * so a live state change never moves anything. elkjs is loaded on first use (a dynamic import
 * of its bundled build, which runs without a Worker in Node and in the browser) so its ~480 kB
 * stay out of the dashboard's initial chunk.
 */
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";

/** A task as the layout sees it: its id and the ids it depends on. */
export interface LayoutTask {
  readonly id: string;
  readonly dependsOn: readonly string[];
}

/** A point in layout coordinates (pixels, origin top left). */
export interface LayoutPoint {
  readonly x: number;
  readonly y: number;
}

/** A placed task: its box's top left corner and size. */
export interface LayoutNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A drawn dependency: from the upstream to the downstream, as a polyline. */
export interface LayoutEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly LayoutPoint[];
}

/** The whole drawing: placed nodes, routed edges and the size of the canvas. */
export interface DagLayout {
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  readonly width: number;
  readonly height: number;
}

/** The fixed size of a task's box (every box the same, whatever its state). */
export const NODE_WIDTH = 168;
/** The fixed height of a task's box. */
export const NODE_HEIGHT = 36;

const LAYOUT_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.padding": "[top=12,left=12,bottom=12,right=12]",
  "elk.spacing.nodeNode": "24",
  "elk.layered.spacing.nodeNodeBetweenLayers": "40",
  "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX",
};

interface ElkLike {
  layout(graph: ElkNode): Promise<ElkNode>;
}

let elkInstance: Promise<ElkLike> | undefined;

/** One elkjs instance per page/process, created on first use. */
function elk(): Promise<ElkLike> {
  elkInstance ??= import("elkjs/lib/elk.bundled.js").then((mod) => {
    // A CommonJS build: the constructor is the module itself or its `default`, by bundler.
    const ctor = (mod as { default: unknown }).default as
      (new () => ElkLike) | { default: new () => ElkLike };
    return typeof ctor === "function" ? new ctor() : new ctor.default();
  });
  return elkInstance;
}

/**
 * The edges to draw: one per distinct (upstream, task) pair whose upstream is a known task
 * other than the task itself. Unknown ids (which validation rejects elsewhere) are skipped
 * rather than failing the whole drawing.
 */
export function dagEdges(tasks: readonly LayoutTask[]): { from: string; to: string }[] {
  const known = new Set(tasks.map((t) => t.id));
  const edges: { from: string; to: string }[] = [];
  for (const task of tasks) {
    for (const up of new Set(task.dependsOn)) {
      if (up !== task.id && known.has(up)) edges.push({ from: up, to: task.id });
    }
  }
  return edges;
}

/** The elkjs graph of a topology. */
function toElkGraph(tasks: readonly LayoutTask[]): ElkNode {
  const edges: ElkExtendedEdge[] = dagEdges(tasks).map((e, i) => ({
    id: `e${i}`,
    sources: [e.from],
    targets: [e.to],
  }));
  return {
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: tasks.map((t) => ({ id: t.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges,
  };
}

/** An edge's polyline from elkjs's sections (start, bends, end of each). */
function edgePoints(edge: ElkExtendedEdge): LayoutPoint[] {
  const points: LayoutPoint[] = [];
  for (const s of edge.sections ?? []) {
    points.push(s.startPoint, ...(s.bendPoints ?? []), s.endPoint);
  }
  return points.map((p) => ({ x: p.x, y: p.y }));
}

/**
 * Lays out a workflow's tasks: each task a {@link NODE_WIDTH} x {@link NODE_HEIGHT} box, every
 * upstream in an earlier layer (above) than its downstreams, no two boxes overlapping. The
 * result depends only on the ids and upstreams given, in their order.
 */
export async function layoutDag(tasks: readonly LayoutTask[]): Promise<DagLayout> {
  const ids = new Set<string>();
  for (const t of tasks) {
    if (ids.has(t.id)) throw new Error(`layoutDag: duplicate task id ${JSON.stringify(t.id)}`);
    ids.add(t.id);
  }
  const laid = await (await elk()).layout(toElkGraph(tasks));
  const nodes: LayoutNode[] = (laid.children ?? []).map((n) => ({
    id: n.id,
    x: n.x ?? 0,
    y: n.y ?? 0,
    width: n.width ?? NODE_WIDTH,
    height: n.height ?? NODE_HEIGHT,
  }));
  const edges: LayoutEdge[] = (laid.edges ?? []).map((e) => ({
    from: e.sources[0] ?? "",
    to: e.targets[0] ?? "",
    points: edgePoints(e),
  }));
  return { nodes, edges, width: laid.width ?? 0, height: laid.height ?? 0 };
}

/**
 * A key that changes exactly when the layout's input does (ids, their order, their distinct
 * upstreams): components recompute the layout only when it changes, never on a state change.
 */
export function topologyKey(tasks: readonly LayoutTask[]): string {
  return JSON.stringify(tasks.map((t) => [t.id, [...new Set(t.dependsOn)].sort()]));
}
