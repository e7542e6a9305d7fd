import { describe, expect, it } from "vitest";
import {
  NODE_HEIGHT,
  NODE_WIDTH,
  dagEdges,
  layoutDag,
  topologyKey,
  type DagLayout,
  type LayoutTask,
} from "../../dashboard/src/components/dag/layout.js";

const chain: LayoutTask[] = [
  { id: "extract", dependsOn: [] },
  { id: "clean", dependsOn: ["extract"] },
  { id: "load", dependsOn: ["clean"] },
  { id: "report", dependsOn: ["load"] },
];

const diamond: LayoutTask[] = [
  { id: "a", dependsOn: [] },
  { id: "b", dependsOn: ["a"] },
  { id: "c", dependsOn: ["a"] },
  { id: "d", dependsOn: ["b", "c"] },
];

/** A root, 50 parallel tasks under it, and one task joining them. */
const fan: LayoutTask[] = [
  { id: "start", dependsOn: [] },
  ...Array.from({ length: 50 }, (_v, i) => ({ id: `shard-${i}`, dependsOn: ["start"] })),
  { id: "join", dependsOn: Array.from({ length: 50 }, (_v, i) => `shard-${i}`) },
];

function nodeOf(layout: DagLayout, id: string) {
  const node = layout.nodes.find((n) => n.id === id);
  if (!node) throw new Error(`no node ${id}`);
  return node;
}

/** Every structural property the drawing promises, for any topology. */
function expectWellFormed(tasks: LayoutTask[], layout: DagLayout): void {
  expect(layout.nodes.map((n) => n.id).sort()).toEqual(tasks.map((t) => t.id).sort());
  for (const n of layout.nodes) {
    expect([n.width, n.height]).toEqual([NODE_WIDTH, NODE_HEIGHT]);
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
    expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
  }
  // No two boxes overlap.
  for (let i = 0; i < layout.nodes.length; i++) {
    for (let j = i + 1; j < layout.nodes.length; j++) {
      const a = layout.nodes[i]!;
      const b = layout.nodes[j]!;
      const apart =
        a.x + a.width <= b.x ||
        b.x + b.width <= a.x ||
        a.y + a.height <= b.y ||
        b.y + b.height <= a.y;
      expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
    }
  }
  // One edge per dependency, each from the upstream's layer down to a later layer.
  expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(
    dagEdges(tasks)
      .map((e) => `${e.from}>${e.to}`)
      .sort(),
  );
  for (const e of layout.edges) {
    const from = nodeOf(layout, e.from);
    const to = nodeOf(layout, e.to);
    expect(from.y + from.height, `${e.from} above ${e.to}`).toBeLessThanOrEqual(to.y);
    expect(e.points.length).toBeGreaterThanOrEqual(2);
    expect(e.points[0]!.y).toBeCloseTo(from.y + from.height, 0);
    expect(e.points.at(-1)!.y).toBeCloseTo(to.y, 0);
  }
}

describe("layoutDag", () => {
  it("stacks a chain one task per layer, top to bottom", async () => {
    const layout = await layoutDag(chain);
    expectWellFormed(chain, layout);
    const ys = chain.map((t) => nodeOf(layout, t.id).y);
    expect([...ys].sort((p, q) => p - q)).toEqual(ys);
    expect(new Set(ys).size).toBe(chain.length);
  });

  it("puts a diamond's two middle tasks side by side in one layer", async () => {
    const layout = await layoutDag(diamond);
    expectWellFormed(diamond, layout);
    expect(nodeOf(layout, "b").y).toBe(nodeOf(layout, "c").y);
    expect(layout.edges).toHaveLength(4);
  });

  it("spreads a 50-wide fan over one layer without overlap", async () => {
    const layout = await layoutDag(fan);
    expectWellFormed(fan, layout);
    const shardYs = new Set(fan.slice(1, -1).map((t) => nodeOf(layout, t.id).y));
    expect(shardYs.size).toBe(1);
    expect(layout.width).toBeGreaterThanOrEqual(50 * NODE_WIDTH);
  });

  it("draws a single task and an empty workflow", async () => {
    const one = await layoutDag([{ id: "only", dependsOn: [] }]);
    expectWellFormed([{ id: "only", dependsOn: [] }], one);
    const none = await layoutDag([]);
    expect(none.nodes).toEqual([]);
    expect(none.edges).toEqual([]);
  });

  it("skips unknown, self and repeated upstreams instead of failing", async () => {
    const tasks: LayoutTask[] = [
      { id: "a", dependsOn: ["ghost", "a"] },
      { id: "b", dependsOn: ["a", "a"] },
    ];
    const layout = await layoutDag(tasks);
    expect(layout.edges.map((e) => [e.from, e.to])).toEqual([["a", "b"]]);
    expectWellFormed(tasks, layout);
  });

  it("rejects duplicate task ids", async () => {
    await expect(
      layoutDag([
        { id: "a", dependsOn: [] },
        { id: "a", dependsOn: [] },
      ]),
    ).rejects.toThrow(/duplicate task id "a"/);
  });

  it("is a function of the topology: the same input gives the same drawing", async () => {
    expect(await layoutDag(diamond)).toEqual(await layoutDag(diamond.map((t) => ({ ...t }))));
  });
});

describe("topologyKey", () => {
  it("changes with ids, order and upstreams, not with upstream order or repeats", () => {
    const key = topologyKey(diamond);
    expect(topologyKey(diamond.map((t) => ({ ...t, state: "running" })))).toBe(key);
    expect(topologyKey([...diamond.slice(0, 3), { id: "d", dependsOn: ["c", "b", "c"] }])).toBe(
      key,
    );
    expect(topologyKey([...diamond.slice(0, 3), { id: "d", dependsOn: ["b"] }])).not.toBe(key);
    expect(topologyKey([...diamond].reverse())).not.toBe(key);
    expect(topologyKey([...diamond, { id: "e", dependsOn: [] }])).not.toBe(key);
  });
});
